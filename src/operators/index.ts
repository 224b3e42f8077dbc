/**
 * Pipeable operators over rxnto channels and connections.
 * @packageDocumentation
 */
export {};
