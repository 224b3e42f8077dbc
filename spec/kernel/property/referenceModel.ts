/**
 * A deliberately simple reference model of the synchronous kernel (channels without
 * UNBLOCK/DISCONNECT flags): arrays and linear scans, no sharing with src/. It predicts, for each
 * command, which continuations fire and with what.
 */
export interface MSend {
  kind: 'send';
  id: number;
  thread: MThread;
  chan: MChan;
  coid: number;
  prio: number;
  phase: 'SEND' | 'REPLY';
  deadline: number | null;
  order: number;
  seq: number;
}
export interface MRecv { kind: 'recv'; thread: MThread; chan: MChan; deadline: number | null; order: number }
export interface MPulse { kind: 'pulse'; id: number; prio: number; seq: number }
export interface MThread { key: string; p: number; alive: boolean; blocked: MSend | MRecv | null; armed: number | null }
export interface MChan { owner: number; chid: number; alive: boolean; queue: Array<MSend | MPulse>; receivers: MRecv[]; replySet: MSend[] }
export interface MCoid { coid: number; chan: MChan }

export const EINTR = 4;
export const EBADF = 9;
export const ESRCH = 3;
export const ETIMEDOUT = 260;

export class ReferenceModel {
  now = 0;
  seq = 0;
  order = 0;
  readonly alive: boolean[];
  readonly threads: MThread[][];
  readonly chans: MChan[][];
  readonly coids: MCoid[][];
  /** Continuation calls predicted by the current command, as strings. */
  out: string[] = [];

  constructor(nprocs: number, nthreads: number) {
    this.alive = Array.from({ length: nprocs }, () => true);
    this.threads = Array.from({ length: nprocs }, (_, p) =>
      Array.from({ length: nthreads }, (_, t) => ({ key: `${p}.${t}`, p, alive: true, blocked: null, armed: null })),
    );
    this.chans = Array.from({ length: nprocs }, () => []);
    this.coids = Array.from({ length: nprocs }, () => []);
  }

  private sendDone(w: MSend, err: number, value: number): void {
    w.thread.blocked = null;
    if (w.thread.alive) this.out.push(`S:${w.thread.key}:${err}:${value}`);
  }

  private recvDone(r: MRecv, what: string): void {
    r.thread.blocked = null;
    if (r.thread.alive) this.out.push(`R:${r.thread.key}:${what}`);
  }

  private head(ch: MChan): MSend | MPulse | undefined {
    let best: MSend | MPulse | undefined;
    for (const item of ch.queue) if (best === undefined || item.prio > best.prio || (item.prio === best.prio && item.seq < best.seq)) best = item;
    return best;
  }

  private take(ch: MChan, item: MSend | MPulse): void {
    ch.queue.splice(ch.queue.indexOf(item), 1);
  }

  private deliver(w: MSend, r: MRecv): void {
    w.phase = 'REPLY';
    w.deadline = null;
    w.chan.replySet.push(w);
    this.recvDone(r, `0:m${w.id}`);
  }

  private offer(w: MSend): void {
    const r = w.chan.receivers.pop();
    if (r !== undefined) { this.deliver(w, r); return; }
    w.phase = 'SEND';
    w.seq = this.seq++;
    w.chan.queue.push(w);
  }

  channel(p: number, chid: number): void {
    this.chans[p]!.push({ owner: p, chid, alive: true, queue: [], receivers: [], replySet: [] });
  }

  attach(p: number, coid: number, chan: MChan): void {
    this.coids[p]!.push({ coid, chan });
  }

  /** Returns the errno the kernel must throw, or 0. */
  send(t: MThread, c: MCoid, id: number, prio: number): number {
    if (!c.chan.alive) return EBADF;
    const w: MSend = { kind: 'send', id, thread: t, chan: c.chan, coid: c.coid, prio, phase: 'SEND', deadline: null, order: this.order++, seq: 0 };
    t.blocked = w;
    const armed = t.armed;
    t.armed = null;
    if (c.chan.receivers.length === 0 && armed !== null) w.deadline = this.now + armed;
    this.offer(w);
    return 0;
  }

  receive(t: MThread, ch: MChan): void {
    const armed = t.armed;
    t.armed = null;
    const r: MRecv = { kind: 'recv', thread: t, chan: ch, deadline: null, order: this.order++ };
    t.blocked = r;
    const item = this.head(ch);
    if (item !== undefined) {
      this.take(ch, item);
      if (item.kind === 'pulse') this.recvDone(r, `0:p${item.id}`);
      else this.deliver(item, r);
      return;
    }
    if (armed !== null) r.deadline = this.now + armed;
    ch.receivers.push(r);
  }

  reply(w: MSend, err: number, status: number, restart = false): void {
    w.chan.replySet.splice(w.chan.replySet.indexOf(w), 1);
    if (restart) { this.offer(w); return; }
    this.sendDone(w, err, status);
  }

  pulse(c: MCoid, id: number, prio: number): number {
    if (!c.chan.alive) return EBADF;
    const r = c.chan.receivers.pop();
    if (r !== undefined) { this.recvDone(r, `0:p${id}`); return 0; }
    c.chan.queue.push({ kind: 'pulse', id, prio, seq: this.seq++ });
    return 0;
  }

  private release(t: MThread, err: number): void {
    const w = t.blocked;
    if (w === null) return;
    if (w.kind === 'recv') {
      w.chan.receivers.splice(w.chan.receivers.indexOf(w), 1);
      this.recvDone(w, String(err));
    } else {
      if (w.phase === 'SEND') this.take(w.chan, w);
      else w.chan.replySet.splice(w.chan.replySet.indexOf(w), 1);
      this.sendDone(w, err, 0);
    }
  }

  unblock(t: MThread): void {
    this.release(t, EINTR);
  }

  detach(p: number, k: number): void {
    const [c] = this.coids[p]!.splice(k, 1);
    for (const t of this.threads[p]!) {
      const w = t.blocked;
      if (w !== null && w.kind === 'send' && w.coid === c!.coid) this.release(t, EBADF);
    }
  }

  destroy(ch: MChan): void {
    ch.alive = false;
    this.chans[ch.owner]!.splice(this.chans[ch.owner]!.indexOf(ch), 1);
    for (const item of [...ch.queue]) {
      if (item.kind === 'send') this.release(item.thread, ESRCH);
    }
    ch.queue.length = 0;
    for (const r of [...ch.receivers]) this.release(r.thread, ESRCH);
    for (const w of [...ch.replySet]) this.release(w.thread, ESRCH);
  }

  exit(p: number): void {
    this.alive[p] = false;
    for (const t of this.threads[p]!) {
      t.alive = false;
      this.release(t, ESRCH);
    }
    for (const ch of [...this.chans[p]!]) this.destroy(ch);
    this.coids[p]!.length = 0;
  }

  advance(ms: number): void {
    this.now += ms;
    const due: Array<MSend | MRecv> = [];
    for (const row of this.threads) for (const t of row) {
      const w = t.blocked;
      if (w !== null && w.deadline !== null && w.deadline <= this.now && (w.kind === 'recv' || w.phase === 'SEND')) due.push(w);
    }
    due.sort((a, b) => a.deadline! - b.deadline! || a.order - b.order);
    for (const w of due) this.release(w.thread, ETIMEDOUT);
  }

  /** Every reply-blocked send of process p's channels, oldest first. */
  outstanding(p: number): MSend[] {
    return this.chans[p]!.flatMap((ch) => ch.replySet).sort((a, b) => a.id - b.id);
  }
}
