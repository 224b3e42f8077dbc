/** A generated block of a doc: its name, what the doc holds and what it should hold. */
export interface GeneratedBlock { readonly name: string; readonly actual: string; readonly expected: string }
export declare const generators: Record<string, () => string | Promise<string>>;
export declare function docFiles(): string[];
export declare function blocksOf(file: string): Promise<GeneratedBlock[]>;
