/**
 * Global names through NATS queue groups (qnet.md §3.8): each local provider of a global name is
 * a member of the group `rxnto.<domain>.svc.<hex name>`; an open that the name table cannot
 * answer yet asks the group, and one member answers with its node, pid and chid. No responders:
 * no provider anywhere, ENOENT at once.
 * @internal
 * @packageDocumentation
 */
import { NoRespondersError, RequestError, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ERRNO, type Kernel } from '../../kernel/index.js';

/** A global name as one subject token (hex of its UTF-8: names may hold `.`, `*`, `>` or `/`). */
function nameToken(name: string): string {
  let hex = '';
  for (const b of new TextEncoder().encode(name)) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** True for the error of a request nobody listens to. */
export function noResponders(e: unknown): boolean {
  return e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders());
}

/**
 * Serve the node's global names in their queue groups and answer its opens from them; returns
 * the stop function. `reach(node)` links to a node an answer names; `valid(node)` checks it.
 */
export function serveGlobalNames(
  k: Kernel,
  nc: NatsConnection,
  prefix: string,
  timeoutMs: number,
  reach: (node: string) => boolean,
): () => void {
  const me = k.node!;
  const serving = new Map<string, Subscription>();
  let stopped = false;
  const serve = (added: boolean, name: string, pid: number, chid: number): void => {
    const key = `${name}\u0000${pid}\u0000${chid}`;
    if (!added) {
      serving.get(key)?.unsubscribe();
      serving.delete(key);
      return;
    }
    if (serving.has(key) || stopped) return;
    const answer = new Uint8Array(8 + me.length);
    new DataView(answer.buffer).setInt32(0, pid, true);
    new DataView(answer.buffer).setInt32(4, chid, true);
    answer.set(new TextEncoder().encode(me), 8);
    serving.set(key, nc.subscribe(`${prefix}.svc.${nameToken(name)}`, { queue: 'q', callback: (_e, m) => { m.respond(answer); } }));
  };
  const names = k.net!.names;
  for (const [name, pid, chid] of names.local()) serve(true, name, pid, chid);
  const stopServing = names.onLocal(serve);
  names.resolver = (name, done) => {
    nc.request(`${prefix}.svc.${nameToken(name)}`, undefined, { timeout: timeoutMs }).then(
      (m) => {
        const dv = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
        const node = new TextDecoder().decode(m.data.subarray(8));
        k.core.run(() => {
          if (node === me || !reach(node)) { done(ERRNO.ENOENT, 0, 0, 0); return; }
          done(0, k.netmgrStrtond(node).nd, dv.getInt32(0, true), dv.getInt32(4, true));
        });
      },
      // no responders: no provider anywhere, at once; a timeout: none answered in time
      (e: unknown) => { k.core.run(() => done(noResponders(e) ? ERRNO.ENOENT : ERRNO.ETIMEDOUT, 0, 0, 0)); },
    );
  };
  return () => {
    stopped = true;
    stopServing();
    names.resolver = null;
    for (const sub of serving.values()) sub.unsubscribe();
    serving.clear();
  };
}
