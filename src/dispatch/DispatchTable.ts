/**
 * The dispatch layer's handler table: inclusive message-type and pulse-code ranges in attach
 * order, plus one default entry. Message types compare as unsigned 16-bit values, pulse codes as
 * signed 8-bit ones; anything outside is refused (EINVAL) rather than wrapped, and an overlapping
 * range is refused with EEXIST rather than silently shadowed (`qnx-model.md` §11.18, §6.2).
 * @packageDocumentation
 */
import { KernelError } from '../kernel/index.js';

/** One attached range. `H` is the handler's type (the C facade's and the router's differ). */
export interface DispatchEntry<H> {
  readonly low: number;
  readonly high: number;
  readonly pulse: boolean;
  readonly handler: H;
  readonly handle: unknown;
  /** Flags it was attached with (`MSG_FLAG_*`). */
  readonly flags: number;
}

/** Lowest and highest pulse code `MSG_FLAG_ALLOC_PULSE` hands out. */
const ALLOC_LOW = 0;
const ALLOC_HIGH = 127;

/** The table: attach, detach, allocate a pulse code, and look a received item up. */
export class DispatchTable<H> {
  private readonly entries: Array<DispatchEntry<H>> = [];
  private fallback: DispatchEntry<H> | null = null;

  /** Throw what {@link attach} would: EINVAL (out of range, low > high) or EEXIST (overlap). */
  check(call: string, low: number, high: number, pulse: boolean): void {
    const [min, max] = pulse ? [-128, 127] : [0, 0xffff];
    if (!Number.isInteger(low) || !Number.isInteger(high) || low < min || high > max || low > high) {
      throw new KernelError('EINVAL', call, undefined, { cause: `range ${low}..${high} outside ${min}..${max}` });
    }
    if (this.entries.some((e) => e.pulse === pulse && e.low <= high && low <= e.high)) {
      throw new KernelError('EEXIST', call, undefined, { cause: `range ${low}..${high} overlaps an attached one` });
    }
  }

  /** Throw EEXIST if a default entry is attached. */
  checkDefault(call: string): void {
    if (this.fallback !== null) throw new KernelError('EEXIST', call, undefined, { cause: 'a default handler is attached' });
  }

  /** Attach `[low, high]`; throws EINVAL (out of range, low > high) or EEXIST (overlap). */
  attach(call: string, low: number, high: number, pulse: boolean, handler: H, handle: unknown, flags: number): DispatchEntry<H> {
    this.check(call, low, high, pulse);
    const e: DispatchEntry<H> = { low, high, pulse, handler, handle, flags };
    this.entries.push(e);
    return e;
  }

  /** Set the default (catch-all) entry; a second one is EEXIST. */
  attachDefault(call: string, handler: H, handle: unknown, flags: number): DispatchEntry<H> {
    this.checkDefault(call);
    this.fallback = { low: 0, high: 0, pulse: false, handler, handle, flags };
    return this.fallback;
  }

  /** The lowest pulse code in 0..127 no pulse range covers, or EAGAIN. */
  allocPulse(call: string): number {
    for (let code = ALLOC_LOW; code <= ALLOC_HIGH; code++) {
      if (!this.entries.some((e) => e.pulse && e.low <= code && code <= e.high)) return code;
    }
    throw new KernelError('EAGAIN', call, undefined, { cause: 'pulse codes 0..127 are all attached' });
  }

  /** Remove the entry with exactly this range and kind (or the default); false if none matched. */
  detach(low: number, high: number, pulse: boolean, isDefault: boolean): boolean {
    if (isDefault) {
      const had = this.fallback !== null;
      this.fallback = null;
      return had;
    }
    const i = this.entries.findIndex((e) => e.pulse === pulse && e.low === low && e.high === high);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** The entry for a message type or a pulse code, else the default, else `null`. */
  lookup(pulse: boolean, value: number): DispatchEntry<H> | null {
    for (const e of this.entries) {
      if (e.pulse === pulse && e.low <= value && value <= e.high) return e;
    }
    return this.fallback;
  }

  /** Whether anything (range or default) is attached. */
  get empty(): boolean {
    return this.entries.length === 0 && this.fallback === null;
  }

  /** Whether a pulse range covers `code`. */
  hasPulse(code: number): boolean {
    return this.entries.some((e) => e.pulse && e.low <= code && code <= e.high);
  }
}
