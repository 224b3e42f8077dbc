/**
 * The NATS link (qnet.md §3.7): the node frames as plain publishes on `rxnto.<domain>.f.<node>`
 * (one subscription per node; each batch names its sender), and a hello on `rxnto.<domain>.hello`
 * that makes every node of the domain ask the newcomer and link to it. Each pair of nodes numbers
 * its batches ({@link NatsStream}), so a batch lost on the wire is sent again and a short loss of
 * our own connection costs nothing; liveness and the kernel's own sequence check stay the node's.
 * With a key, every message is authenticated (natsAuth.ts); with or without one, what arrives is
 * checked before it makes any state, new names pass the node's admission (`maxPeers`,
 * `helloRate`), and every message dropped is counted (qnet.md §6.10–§6.12).
 * @packageDocumentation
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { KernelError } from '../../kernel/index.js';
import { kernelOf, type HasKernel } from '../hasKernel.js';
import { KIND, keyBytes, MIN_KEY_BYTES, NatsAuth, TAG_BYTES } from './natsAuth.js';
import { serveGlobalNames } from './natsNames.js';
import type { NatsOptions } from './natsOptions.js';
import { NatsPeer, opened, type Net } from './NatsPeer.js';
import { framesFit, isToken, nameField, parse, random, WORDS, compose } from './natsWire.js';

/** A node joined to a NATS domain. */
export interface NatsNetwork {
  readonly domain: string;
  /**
   * Leave the domain: a bye (peers see this node go down at once), every peer link closed, the
   * subscriptions drained, and the connection drained and closed if `joinNats` opened it.
   */
  close(): Promise<void>;
  /**
   * @internal Test hooks: lose every frame to and from `peer` (`sever`); lose the next `n` frames
   * past repair (`drop`: a sequence gap); lose the next `n` publishes on the wire (`lose`: repaired);
   * the names this node keeps NATS state for (`peers`).
   */
  readonly faults: { sever(peer: string): void; drop(peer: string, n: number): void; lose(peer: string, n: number): void; peers(): string[] };
}

const failed = (reason: string): KernelError => new KernelError('EINVAL', 'joinNats', undefined, { reason });

/**
 * Join the kernel (a node: made with a `node` name) to the NATS domain `domain`: it links with
 * every node of the domain, present and to come. Node names must be NATS subject tokens
 * (letters, digits, `-`, `_`). If our connection to NATS drops, every peer turns `suspect`
 * (`nodes$`) and its frames are held; reconnected within the heartbeat bound, the peers are `up`
 * again with nothing lost; later, they are down (EHOSTDOWN for their callers) and connect again
 * as soon as they can reach each other. With `key`, only holders of the domain's key can speak
 * for a node (see {@link NatsJoinOptions.key}).
 *
 * @example
 * ```ts
 * const system = createSystem({ node: 'h1' });
 * const net = await joinNats(system, { servers: 'nats://127.0.0.1:4222', domain: 'lab', key: labKey, user: 'lab', pass });
 * system.process().open('sensor', { global: true }); // served by any node of 'lab'
 * await net.close();
 * ```
 */
export async function joinNats(node: HasKernel, options: NatsOptions): Promise<NatsNetwork> {
  const k = kernelOf(node);
  const me = k.node;
  const { domain = 'default', key, maxFrameBytes, probeMs, resendBytes, connection, servers, ...natsOptions } = options;
  if (me === null || !isToken(me)) throw failed('the kernel must be a node whose name is a NATS subject token');
  if (!isToken(domain)) throw failed('the domain must be a NATS subject token');
  const secret = key === undefined ? null : keyBytes(key);
  if (key !== undefined && secret === null) throw failed(`the key must be a string or bytes of at least ${MIN_KEY_BYTES} bytes`);
  const netmgr = k.net!;
  const bound = netmgr.heartbeatMs * netmgr.missed;
  const own = connection === undefined;
  const nc: NatsConnection = connection ?? (await connect({
    name: `rxnto ${domain}/${me}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: Math.max(50, Math.min(2000, Math.floor(bound / 6))),
    reconnectJitter: 50,
    ...definedOnly(natsOptions),
    servers,
  }));
  const auth = secret === null ? null : new NatsAuth(secret, domain);
  const prefix = `rxnto.${domain}`;
  const peers = new Map<string, NatsPeer>();
  const net: Net = {
    k, nc, me, prefix, auth, peers, epoch: random(), closed: false, ended: false, sender: nameField(me),
    scopes: auth === null ? null : { synced: auth.scope(KIND.synced, me) },
    maxFrameBytes: maxFrameBytes ?? 512 * 1024,
    probeMs: probeMs ?? 1000,
    resendBytes: resendBytes ?? 8 * 1024 * 1024,
    drop: (reason, from, detail) => { k.core.run(() => netmgr.noteDrop(reason, from, detail)); },
  };
  const scope = (kind: number, to: string): Uint8Array | undefined => auth?.scope(kind, to);
  const tag = (msg: Uint8Array, kind: number, to: string): Uint8Array => (auth === null ? msg : auth.sign(auth.scope(kind, to), msg));
  const tagBytes = auth === null ? 0 : TAG_BYTES;
  /** A peer for a name not seen yet, if the node admits it (counted as `unknown-peer` if not). */
  const admitted = (name: string): NatsPeer | null => {
    if ((peers.size >= netmgr.maxPeers && !netmgr.knows(name)) || !netmgr.admit(name)) {
      net.drop('unknown-peer', name, 'not admitted (peer table full or hello rate passed)');
      return null;
    }
    const p = new NatsPeer(net, name);
    peers.set(name, p);
    return p;
  };
  /** `data` checked (MAC, then layout: `words` and a sender that is not this node); null, counted, when not. */
  const read = (kindScope: Uint8Array | undefined, data: Uint8Array, words: number, exact = true) => {
    const body = opened(net, kindScope, data);
    if (body === null) return null;
    const p = parse(body, words, exact);
    if (p === null || p.name === me || p.words[0] === 0) {
      net.drop('malformed', p?.name ?? '', 'a NATS message');
      return null;
    }
    return { words: p.words, name: p.name, end: p.end, body };
  };

  /** Our own hello, echoed by the server (exactly: a copy changed in any byte is another message). */
  const hello = tag(compose([net.epoch], net.sender, 0, tagBytes), KIND.hello, '*');
  const isEcho = (data: Uint8Array): boolean => {
    return data.length === hello.length && data.every((x, i) => x === hello[i]);
  };

  const subs: Subscription[] = [];
  const listen = (subject: string, callback: (data: Uint8Array, respond: (reply: Uint8Array) => boolean) => void): void => {
    subs.push(nc.subscribe(`${prefix}.${subject}`, { callback: (_e, m) => { if (!net.closed) callback(m.data, (r) => m.respond(r)); } }));
  };
  // frames to this node: each batch names its sender; only a peer's current stream is taken
  const batchScope = scope(KIND.batch, me);
  listen(`f.${me}`, (data) => {
    const m = read(batchScope, data, WORDS.batch, false);
    if (m === null) return;
    if (!framesFit(m.body, m.end)) { net.drop('malformed', m.name, 'a batch whose frames do not fit'); return; }
    const p = peers.get(m.name);
    if (p === undefined) { net.drop('unknown-peer', m.name, 'a batch from a node not met'); return; }
    p.onBatch(m.body, m.words[0]!, m.words[1]!, m.end);
  });
  // sync requests: while this process lives, so does this subscription (its absence is "no responders")
  const syncScope = scope(KIND.sync, me);
  listen(`hb.${me}`, (data, respond) => {
    const m = read(syncScope, data, WORDS.sync);
    if (m === null) return;
    const p = peers.get(m.name) ?? admitted(m.name);
    if (p === null || p.severed) return;
    const reply = p.onSync(m.words);
    if (reply !== null) respond(reply);
  });
  // a newcomer's hello (or a known node's new process): asked, and linked once it answers
  const helloScope = scope(KIND.hello, '*');
  listen('hello', (data) => {
    if (isEcho(data)) return;
    const m = read(helloScope, data, WORDS.hello);
    if (m === null) return;
    const p = peers.get(m.name);
    if (p !== undefined) p.onHello(m.words[0]!);
    else admitted(m.name)?.stream.sync();
  });
  // a node that leaves says so: its peers take it down at once instead of at the liveness bound
  const byeScope = scope(KIND.bye, '*');
  listen('bye', (data) => {
    const m = read(byeScope, data, WORDS.hello);
    if (m === null) return;
    const p = peers.get(m.name);
    if (p === undefined) net.drop('unknown-peer', m.name, 'a bye from a node not met');
    else p.onBye(m.words[0]!);
  });
  const stopNames = serveGlobalNames({
    k, nc, prefix, auth, epoch: net.epoch, sender: net.sender, timeoutMs: net.probeMs, drop: net.drop,
    reach: (name, epoch) => {
      if (!isToken(name) || name === me) return false;
      const p = peers.get(name) ?? admitted(name);
      if (p === null) return false;
      p.found(epoch);
      return p.linked() !== null; // reached from now on (its frames wait for its stream's proof)
    },
  });

  // every probeMs, each peer not gone is synced: lost batches found and sent again, links made again
  const probe = setInterval(() => {
    for (const p of [...peers.values()]) if (!p.severed && !p.gone && !p.stream.paused) p.stream.sync();
  }, net.probeMs);
  (probe as { unref?: () => void }).unref?.();
  // our own connection: lost, every peer suspect and its frames held; back, each peer synced until it answers
  let resume: ReturnType<typeof setInterval> | null = null;
  void (async () => {
    for await (const s of nc.status()) {
      if (net.closed) return;
      if (s.type === 'disconnect') {
        if (resume !== null) clearInterval(resume);
        resume = null;
        for (const p of peers.values()) {
          p.stream.paused = true;
          p.stream.resuming = false;
          p.link?.suspect(true, 'NATS connection lost');
        }
      } else if (s.type === 'reconnect') {
        const until = Date.now() + bound;
        const retry = (): void => {
          let waiting = false;
          for (const p of [...peers.values()]) {
            if (!p.stream.resuming) continue;
            if (Date.now() > until) p.stream.unpause(); // the heartbeat bound decides now
            else { waiting = true; p.stream.sync(); }
          }
          if (!waiting && resume !== null) { clearInterval(resume); resume = null; }
        };
        for (const p of peers.values()) p.stream.resuming = true;
        resume = setInterval(retry, Math.max(20, Math.min(100, net.probeMs)));
        (resume as { unref?: () => void }).unref?.();
        retry();
      }
    }
  })();
  await nc.flush();
  nc.publish(`${prefix}.hello`, hello);
  // our own connection closing takes every peer down, for good
  void nc.closed().then(() => {
    net.ended = true;
    for (const p of peers.values()) p.link?.down('NATS connection closed');
  });

  const must = (name: string): NatsPeer => {
    const p = peers.get(name);
    if (p === undefined) throw new Error(`no NATS peer '${name}'`);
    return p;
  };
  return {
    domain,
    faults: {
      sever: (name) => { must(name).severed = true; },
      drop: (name, n) => { const l = must(name).linked(); if (l !== null) l.dropping += n; },
      lose: (name, n) => { must(name).stream.losing += n; },
      peers: () => [...peers.keys()],
    },
    async close(): Promise<void> {
      if (net.closed) return;
      net.closed = true;
      clearInterval(probe);
      if (resume !== null) clearInterval(resume);
      stopNames();
      try {
        nc.publish(`${prefix}.bye`, tag(compose([net.epoch], net.sender, 0, tagBytes), KIND.bye, '*'));
        await nc.flush();
      } catch {
        // a connection already lost: the peers find out by their probes and heartbeats
      }
      for (const p of peers.values()) p.link?.down('left the NATS domain');
      peers.clear();
      // drained, as NATS clients leave: what was published goes out, what arrived is taken (and ignored)
      try {
        if (own) await nc.drain();
        else await Promise.all(subs.map((s) => s.drain()));
      } catch {
        if (own) await nc.close(); // already closed or closing: nothing left to drain
      }
    },
  };
}

/** `o` without its undefined entries (so they do not hide our defaults). */
function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o) as Array<[keyof T, T[keyof T]]>) if (v !== undefined) out[k] = v;
  return out;
}
