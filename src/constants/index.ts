/**
 * `rxnto/constants`: QNX's constants for users of the RxJS binding who need a few (channel flags
 * such as `_NTO_CHF_DISCONNECT`, pulse codes such as `_PULSE_CODE_UNBLOCK`, `O_*` open flags,
 * `NAME_FLAG_ATTACH_GLOBAL` …), apart from the main entry. `rxnto/neutrino` has them too, beside
 * the C calls.
 *
 * @example
 * ```ts
 * import { _NTO_CHF_DISCONNECT, _PULSE_CODE_DISCONNECT } from 'rxnto/constants';
 * ```
 * @packageDocumentation
 */
export * from '../kernel/constants.js';
