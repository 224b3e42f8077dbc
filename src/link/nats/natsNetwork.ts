/**
 * The NATS link (qnet.md §3.7): the node frames as plain publishes on `rxnto.<domain>.f.<node>`
 * (one subscription per node; each batch names its sender), and a hello on `rxnto.<domain>.hello` that makes every node of
 * the domain open a link to the newcomer. Each pair of nodes numbers its batches
 * ({@link NatsStream}), so a batch lost on the wire is sent again and a short loss of our own
 * connection costs nothing; liveness and the kernel's own sequence check stay the node's.
 * @packageDocumentation
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { KernelError, type Kernel } from '../../kernel/index.js';
import { kernelOf, type HasKernel } from '../hasKernel.js';
import { NatsPeerLink } from './NatsPeerLink.js';
import { BATCH_HEADER, NatsStream, u32, type StreamPort } from './NatsStream.js';
import { noResponders, serveGlobalNames } from './natsNames.js';

/** Options of {@link joinNats}. */
export interface NatsOptions {
  /** The NATS server(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /** Nodes see each other only within one domain (a subject prefix). Default `default`. */
  readonly domain?: string;
  /**
   * A connection of your own (then `servers` is ignored and the connection stays yours to close;
   * give it `maxReconnectAttempts: -1` and a `reconnectTimeWait` well under the nodes' heartbeat
   * bound to ride out a server restart).
   */
  readonly connection?: NatsConnection;
  /** The largest frame published (default 512 KiB, under NATS's default `max_payload` of 1 MiB). */
  readonly maxFrameBytes?: number;
  /**
   * Every `probeMs` (default 1000) each peer is asked, by a NATS request on
   * `rxnto.<domain>.hb.<peer>`, what it has received (so lost batches are sent again): "no
   * responders" (its process is gone, so are its subscriptions) takes it down at once; a timeout
   * is only a missed beat (the node's heartbeats decide).
   */
  readonly probeMs?: number;
  /**
   * Bytes sent to each peer and kept until it acknowledges them, to be sent again after a loss
   * (default 8 MiB). Past it the oldest are let go: a loss among them ends the peer's session
   * (a 'sequence gap'). Bounds the memory a slow or silent peer can cost.
   */
  readonly resendBytes?: number;
}

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
   * past repair (`drop`: a sequence gap); lose the next `n` publishes on the wire (`lose`: repaired).
   */
  readonly faults: { sever(peer: string): void; drop(peer: string, n: number): void; lose(peer: string, n: number): void };
}

const TOKEN = /^[A-Za-z0-9_-]+$/;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** This process's epoch on the network: random, never 0. */
function newEpoch(): number {
  const a = new Uint32Array(1);
  do crypto.getRandomValues(a);
  while (a[0] === 0);
  return a[0]!;
}

/** One peer node: its stream (outliving sessions) and the link of the current session. */
class NatsPeer implements StreamPort {
  link: NatsPeerLink | null = null;
  readonly stream: NatsStream;

  constructor(private readonly net: Net, readonly name: string) {
    this.stream = new NatsStream(this, net.resendBytes);
  }

  get epoch(): number {
    return this.net.epoch;
  }

  /** The live link (made, and joined to the node, on first need). */
  linked(): NatsPeerLink {
    if (this.link === null || this.link.closed) {
      const l = (this.link = new NatsPeerLink((batch) => this.stream.send(batch), this.net.maxFrameBytes, this.net.sender));
      this.net.k.addLink(l, this.name);
    }
    return this.link;
  }

  publish(data: Uint8Array): void {
    if (this.net.closed) return;
    try {
      this.net.nc.publish(`${this.net.prefix}.f.${this.name}`, data);
    } catch {
      // the connection is closed or draining: the batch stays held; the liveness rules decide
    }
  }

  request(payload: Uint8Array): void {
    const { nc, prefix, me, probeMs } = this.net;
    const req = new Uint8Array(payload.length + me.length);
    req.set(payload);
    req.set(enc(me), payload.length);
    nc.request(`${prefix}.hb.${this.name}`, req, { timeout: probeMs }).then(
      (m) => {
        if (this.net.closed) return;
        if (m.data.length >= 16) this.heard(u32(m.data, 0)); // a reply from a restarted process is about its new stream
        this.stream.onReply(m.data);
      },
      (e: unknown) => { if (this.stream.onSyncFailed(noResponders(e)) && !this.net.closed) this.link?.down('no responders'); },
    );
  }

  deliver(batch: Uint8Array, at: number): void {
    this.linked().deliver(batch, at);
  }

  lost(reason: string): void {
    this.link?.down(reason);
  }

  recovered(): void {
    this.link?.suspect(false, 'NATS connection back');
  }

  /** A batch or sync from the peer's process `epoch`: a new one means it restarted. */
  heard(epoch: number): void {
    if (this.stream.peerEpoch === epoch) return;
    if (this.stream.peerEpoch === 0) {
      this.stream.peerEpoch = epoch; // first word from it
      return;
    }
    this.link?.down('restarted');
    this.stream.restart(epoch);
  }
}

/** A joined network's state, shared by its peers. */
interface Net {
  readonly k: Kernel;
  readonly nc: NatsConnection;
  readonly me: string;
  readonly prefix: string;
  readonly epoch: number;
  /** This node's name as every batch carries it: a length byte, then its bytes. */
  readonly sender: Uint8Array;
  readonly maxFrameBytes: number;
  readonly probeMs: number;
  readonly resendBytes: number;
  closed: boolean;
}

/**
 * Join the kernel (a node: made with a `node` name) to the NATS domain `domain`: it links with
 * every node of the domain, present and to come. Node names must be NATS subject tokens
 * (letters, digits, `-`, `_`). If our connection to NATS drops, every peer turns `suspect`
 * (`nodes$`) and its frames are held; reconnected within the heartbeat bound, the peers are `up`
 * again with nothing lost; later, they are down (EHOSTDOWN for their callers).
 *
 * @example
 * ```ts
 * const system = createSystem({ node: 'h1' });
 * const net = await joinNats(system, { servers: 'nats://127.0.0.1:4222', domain: 'lab' });
 * system.process().open('sensor', { global: true }); // served by any node of 'lab'
 * await net.close();
 * ```
 */
export async function joinNats(node: HasKernel, options: NatsOptions): Promise<NatsNetwork> {
  const k = kernelOf(node);
  const me = k.node;
  const domain = options.domain ?? 'default';
  if (me === null || !TOKEN.test(me)) throw new KernelError('EINVAL', 'joinNats', undefined, { reason: 'the kernel must be a node whose name is a NATS subject token' });
  if (!TOKEN.test(domain)) throw new KernelError('EINVAL', 'joinNats', undefined, { reason: 'the domain must be a NATS subject token' });
  const netmgr = k.net!;
  const bound = netmgr.heartbeatMs * netmgr.missed;
  const own = options.connection === undefined;
  const nc = options.connection ?? (await connect({
    servers: options.servers,
    name: `rxnto ${domain}/${me}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: Math.max(50, Math.min(2000, Math.floor(bound / 6))),
    reconnectJitter: 50,
  }));
  const net: Net = {
    k, nc, me, prefix: `rxnto.${domain}`, epoch: newEpoch(), closed: false, sender: Uint8Array.of(me.length, ...enc(me)),
    maxFrameBytes: options.maxFrameBytes ?? 512 * 1024,
    probeMs: options.probeMs ?? 1000,
    resendBytes: options.resendBytes ?? 8 * 1024 * 1024,
  };
  const { prefix } = net;
  const peers = new Map<string, NatsPeer>();
  const peer = (name: string): NatsPeer => {
    let p = peers.get(name);
    if (p === undefined) peers.set(name, (p = new NatsPeer(net, name)));
    return p;
  };
  const valid = (name: string): boolean => name !== me && TOKEN.test(name);

  const subs: Subscription[] = [];
  // frames to this node, from anyone (each batch names its sender), taken as they arrive
  subs.push(nc.subscribe(`${prefix}.f.${me}`, {
    callback: (_e, m) => {
      const d = m.data;
      if (net.closed || d.length < BATCH_HEADER + 1) return;
      const at = BATCH_HEADER + 1 + d[BATCH_HEADER]!;
      const from = dec(d.subarray(BATCH_HEADER + 1, at));
      if (at > d.length || !valid(from)) return;
      const p = peer(from);
      p.heard(u32(d, 0));
      p.stream.receive(d, at);
    },
  }));
  // sync requests: while this process lives, so does this subscription (its absence is "no responders")
  subs.push(nc.subscribe(`${prefix}.hb.${me}`, {
    callback: (_e, m) => {
      const from = m.data.length > 12 ? dec(m.data.subarray(12)) : '';
      if (net.closed || !valid(from)) { m.respond(); return; }
      const p = peer(from);
      if (p.link?.severed === true) return;
      p.heard(u32(m.data, 0));
      p.linked();
      m.respond(p.stream.answer(m.data));
    },
  }));
  // a newcomer's hello: link to it (our HELLO frame then tells it about us)
  subs.push(nc.subscribe(`${prefix}.hello`, { callback: (_e, m) => { const from = dec(m.data); if (!net.closed && valid(from)) peer(from).linked(); } }));
  // a node that leaves says so: its peers take it down at once instead of at the liveness bound
  subs.push(nc.subscribe(`${prefix}.bye`, { callback: (_e, m) => { if (!net.closed) peers.get(dec(m.data))?.lost('left the NATS domain'); } }));
  const stopNames = serveGlobalNames(k, nc, prefix, net.probeMs, (n) => {
    if (!valid(n)) return false;
    peer(n).linked(); // reached from now on, if it was not yet
    return true;
  });

  // every probeMs, each live peer is synced (lost batches found and sent again)
  const probe = setInterval(() => {
    for (const p of peers.values()) {
      if (p.link !== null && !p.link.closed && !p.link.severed && !p.stream.paused) p.stream.sync();
    }
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
          for (const p of peers.values()) {
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
  nc.publish(`${prefix}.hello`, enc(me));
  // our own connection closing takes every peer down
  void nc.closed().then(() => {
    for (const p of peers.values()) p.link?.down('NATS connection closed');
  });

  return {
    domain,
    faults: {
      sever: (name) => { peer(name).linked().severed = true; },
      drop: (name, n) => { peer(name).linked().dropping += n; },
      lose: (name, n) => { peer(name).stream.losing += n; },
    },
    async close(): Promise<void> {
      if (net.closed) return;
      net.closed = true;
      clearInterval(probe);
      if (resume !== null) clearInterval(resume);
      stopNames();
      try {
        nc.publish(`${prefix}.bye`, enc(me));
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
