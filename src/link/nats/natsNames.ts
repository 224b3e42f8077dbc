/**
 * Global names through NATS queue groups (qnet.md §3.8): each local provider of a global name is
 * a member of the group `rxnto.<domain>.svc.<hex name>`; an open that the name table cannot
 * answer yet asks the group, and one member answers with its node, its process epoch, pid and
 * chid. No responders: no provider anywhere, ENOENT at once.
 * @internal
 * @packageDocumentation
 */
import { NoRespondersError, RequestError, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ERRNO, type DropReason, type Kernel } from '../../kernel/index.js';
import { KIND, TAG_BYTES, type NatsAuth } from './natsAuth.js';
import { compose, parse, random, WORDS } from './natsWire.js';

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

/** What the global names need of the network. */
export interface NamesPort {
  readonly k: Kernel;
  readonly nc: NatsConnection;
  readonly prefix: string;
  readonly epoch: number;
  /** This node's name as messages carry it. */
  readonly sender: Uint8Array;
  readonly auth: NatsAuth | null;
  /** How long a lookup waits for an answer. */
  readonly timeoutMs: number;
  /** Link to the node an answer names (with its process epoch); false when it may not be. */
  reach(node: string, epoch: number): boolean;
  drop(reason: DropReason, node: string, detail?: string): void;
}

/**
 * Serve the node's global names in their queue groups and answer its opens from them; returns
 * the stop function. A lookup carries a random nonce and its answer repeats it (with a key,
 * under the answer's MAC), so an answer is taken only for the lookup it answers.
 */
export function serveGlobalNames(net: NamesPort): () => void {
  const { k, nc, prefix, auth } = net;
  const me = k.node!;
  const tag = auth === null ? 0 : TAG_BYTES;
  const foundScope = auth?.scope(KIND.found, me);
  const serving = new Map<string, Subscription>();
  let stopped = false;
  const open = (scope: Uint8Array | undefined, data: Uint8Array): Uint8Array | null => {
    if (auth === null || scope === undefined) return data;
    if (auth.check(scope, data)) return data.subarray(0, data.length - TAG_BYTES);
    net.drop('unauthenticated', '', 'a global name message without a valid MAC');
    return null;
  };
  const serve = (added: boolean, name: string, pid: number, chid: number): void => {
    const key = `${name}\u0000${pid}\u0000${chid}`;
    if (!added) {
      serving.get(key)?.unsubscribe();
      serving.delete(key);
      return;
    }
    if (serving.has(key) || stopped) return;
    const token = nameToken(name);
    const scope = auth?.scope(KIND.lookup, token);
    serving.set(key, nc.subscribe(`${prefix}.svc.${token}`, {
      queue: 'q',
      callback: (_e, m) => {
        const body = open(scope, m.data);
        const q = body === null ? null : parse(body, WORDS.lookup);
        if (q === null) {
          if (body !== null) net.drop('malformed', '', 'a global name lookup');
          return;
        }
        const answer = compose([net.epoch, pid, chid, q.words[0]!, q.words[1]!], net.sender, 0, tag);
        m.respond(auth === null ? answer : auth.sign(auth.scope(KIND.found, q.name), answer));
      },
    }));
  };
  const names = k.net!.names;
  for (const [name, pid, chid] of names.local()) serve(true, name, pid, chid);
  const stopServing = names.onLocal(serve);
  names.resolver = (name, done) => {
    const token = nameToken(name);
    const n0 = random();
    const n1 = random();
    const req = compose([n0, n1], net.sender, 0, tag);
    if (auth !== null) auth.sign(auth.scope(KIND.lookup, token), req);
    nc.request(`${prefix}.svc.${token}`, req, { timeout: net.timeoutMs }).then(
      (m) => {
        const body = open(foundScope, m.data);
        const a = body === null ? null : parse(body, WORDS.found);
        if (body !== null && a === null) net.drop('malformed', '', 'a global name answer');
        const [epoch, pid, chid, r0, r1] = (a?.words ?? []) as number[];
        if (a !== null && (r0 !== n0 || r1 !== n1)) net.drop('replayed', a.name, 'an answer to another lookup');
        k.core.run(() => {
          // no valid answer in time: as if none came
          if (a === null || r0 !== n0 || r1 !== n1 || epoch === 0) { done(ERRNO.ETIMEDOUT, 0, 0, 0); return; }
          if (a.name === me || !net.reach(a.name, epoch!)) { done(ERRNO.ENOENT, 0, 0, 0); return; }
          done(0, k.netmgrStrtond(a.name).nd, pid! | 0, chid! | 0);
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
