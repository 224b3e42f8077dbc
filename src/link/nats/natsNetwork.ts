/**
 * The NATS link (qnet.md §3.7): the node frames as plain publishes on
 * `rxnto.<domain>.f.<to>.<from>`, one subscription per node for its frames
 * (`rxnto.<domain>.f.<node>.*`), and a hello on `rxnto.<domain>.hello` that makes every node of
 * the domain open a link to the newcomer. Liveness, sequence checks and fragmentation are the
 * node's (core NATS is at-most-once: a lost frame is a sequence gap, so EHOSTDOWN, never a hang).
 * @packageDocumentation
 */
import { NoRespondersError, RequestError, connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ERRNO, Kernel, KernelError } from '../../kernel/index.js';
import { LinkBase } from '../LinkBase.js';
import { TickBatch } from '../TickBatch.js';

/** Options of {@link joinNats}. */
export interface NatsOptions {
  /** The NATS server(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /** Nodes see each other only within one domain (a subject prefix). Default `default`. */
  readonly domain?: string;
  /** A connection of your own (then `servers` is ignored and the connection stays yours to close). */
  readonly connection?: NatsConnection;
  /** The largest frame published (default 512 KiB, under NATS's default `max_payload` of 1 MiB). */
  readonly maxFrameBytes?: number;
  /**
   * Every `probeMs` (default 1000) each peer is probed by a NATS request on
   * `rxnto.<domain>.hb.<peer>`: "no responders" (its process is gone, so are its subscriptions)
   * takes it down at once; a timeout is only a missed beat (the node's heartbeats decide).
   */
  readonly probeMs?: number;
}

/** A node joined to a NATS domain. */
export interface NatsNetwork {
  readonly domain: string;
  /** Leave the domain: every peer link closes (peers see this node go down), then the connection. */
  close(): Promise<void>;
  /** @internal Test hooks: lose every frame to and from `peer` (`sever`), or the next `n`. */
  readonly faults: { sever(peer: string): void; drop(peer: string, n: number): void };
}

type HasKernel = Kernel | { readonly kernel: Kernel };

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** A global name as one subject token (hex of its UTF-8: names may hold `.`, `*`, `>` or `/`). */
function nameToken(name: string): string {
  let hex = '';
  for (const b of new TextEncoder().encode(name)) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Take every message of `sub`, eagerly (frames never wait in the client: no slow consumer). A
 * subscription that ends with an error (the connection lost for good) just ends: the nodes'
 * liveness reports the peers down.
 */
function each(sub: Subscription, on: (m: Msg) => void): void {
  void (async () => {
    try {
      for await (const m of sub) on(m);
    } catch {
      // the connection's end is reported through nc.closed()
    }
  })();
}

/** One peer over NATS: frames published to its subject, frames from it handed to the node. */
class NatsPeerLink extends LinkBase {
  readonly kind = 'nats' as const;
  severed = false;
  dropping = 0;

  /** The no-responders probe (see `probeMs`). */
  probe: ReturnType<typeof setInterval> | null = null;

  /** The frames of a tick, published as one NATS message (each prefixed by its length). */
  private readonly batch: TickBatch;

  constructor(private readonly nc: NatsConnection, private readonly subject: string, readonly maxFrameBytes: number) {
    super();
    this.batch = new TickBatch((frames, bytes) => this.publish(frames, bytes), maxFrameBytes, 4);
  }

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.severed) return true;
    if (this.dropping > 0) {
      this.dropping--;
      return true;
    }
    this.batch.add(frame);
    return true;
  }

  private publish(frames: Uint8Array[], bytes: number): void {
    if (this.closed) return;
    const out = new Uint8Array(bytes);
    const dv = new DataView(out.buffer);
    let at = 0;
    for (const f of frames) {
      dv.setUint32(at, f.length, true);
      out.set(f, at + 4);
      at += 4 + f.length;
    }
    this.nc.publish(this.subject, out);
  }

  /** One NATS message: its frames, in order (a malformed batch hands the node what it can read). */
  deliver(batch: Uint8Array): void {
    const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    let at = 0;
    while (at + 4 <= batch.length && !this.closed && !this.severed) {
      const n = dv.getUint32(at, true);
      const frame = batch.subarray(at + 4, Math.min(batch.length, at + 4 + n));
      at += 4 + n;
      this.frameHandler?.(frame);
    }
  }

  /** What this tick queued still goes out before the link closes. */
  override close(reason: string): void {
    if (!this.closed) this.batch.flush();
    super.close(reason);
  }

  protected cleanup(): void {
    this.batch.clear();
    if (this.probe !== null) clearInterval(this.probe);
    this.probe = null;
  }
}

/**
 * Join the kernel (a node: made with a `node` name) to the NATS domain `domain`: it links with
 * every node of the domain, present and to come. Node names must be NATS subject tokens
 * (letters, digits, `-`, `_`).
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
  const k = 'kernel' in node ? node.kernel : node;
  const me = k.node;
  const domain = options.domain ?? 'default';
  if (me === null || !TOKEN.test(me)) throw new KernelError('EINVAL', 'joinNats', undefined, { reason: 'the kernel must be a node whose name is a NATS subject token' });
  if (!TOKEN.test(domain)) throw new KernelError('EINVAL', 'joinNats', undefined, { reason: 'the domain must be a NATS subject token' });
  const own = options.connection === undefined;
  const nc = options.connection ?? (await connect({ servers: options.servers, name: `rxnto ${domain}/${me}` }));
  const maxFrameBytes = options.maxFrameBytes ?? 512 * 1024;
  const probeMs = options.probeMs ?? 1000;
  const prefix = `rxnto.${domain}`;
  const links = new Map<string, NatsPeerLink>();
  let closed = false;

  /** The live link to `peer`, made (and joined to the node) on first need. */
  const linkFor = (peer: string): NatsPeerLink => {
    let link = links.get(peer);
    if (link === undefined || link.closed) {
      const l = (link = new NatsPeerLink(nc, `${prefix}.f.${peer}.${me}`, maxFrameBytes));
      links.set(peer, l);
      k.addLink(l, peer);
      l.probe = setInterval(() => {
        nc.request(`${prefix}.hb.${peer}`, undefined, { timeout: probeMs }).catch((e: unknown) => {
          const none = e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders());
          if (none && !closed) l.down('no responders');
        });
      }, probeMs);
      (l.probe as { unref?: () => void }).unref?.();
    }
    return link;
  };

  const subs: Subscription[] = [];
  // frames to this node, from anyone: the last token names the sender
  const frames = nc.subscribe(`${prefix}.f.${me}.*`);
  subs.push(frames);
  each(frames, (m) => {
    const from = m.subject.slice(m.subject.lastIndexOf('.') + 1);
    if (!closed && from !== me) linkFor(from).deliver(m.data);
  });
  // the probe's responder: while this process lives, so does this subscription
  const hb = nc.subscribe(`${prefix}.hb.${me}`);
  subs.push(hb);
  each(hb, (m) => { m.respond(); });
  // a newcomer's hello: link to it (our HELLO frame then tells it about us)
  const hellos = nc.subscribe(`${prefix}.hello`);
  subs.push(hellos);
  each(hellos, (m) => {
    const from = new TextDecoder().decode(m.data);
    if (!closed && from !== me && TOKEN.test(from)) linkFor(from);
  });
  // a node that leaves says so: its peers take it down at once instead of at the liveness bound
  const byes = nc.subscribe(`${prefix}.bye`);
  subs.push(byes);
  each(byes, (m) => {
    const from = new TextDecoder().decode(m.data);
    if (!closed && from !== me) links.get(from)?.down('left the NATS domain');
  });
  // global names through queue groups: each provider of a name is a member of its group, and
  // an open that the name table cannot answer yet asks the group (one member answers)
  const serving = new Map<string, Subscription>();
  const serve = (added: boolean, name: string, pid: number, chid: number): void => {
    const key = `${name}\u0000${pid}\u0000${chid}`;
    if (!added) {
      serving.get(key)?.unsubscribe();
      serving.delete(key);
      return;
    }
    if (serving.has(key) || closed) return;
    const sub = nc.subscribe(`${prefix}.svc.${nameToken(name)}`, { queue: 'q' });
    serving.set(key, sub);
    const answer = new Uint8Array(8 + me.length);
    new DataView(answer.buffer).setInt32(0, pid, true);
    new DataView(answer.buffer).setInt32(4, chid, true);
    answer.set(new TextEncoder().encode(me), 8);
    each(sub, (m) => { m.respond(answer); });
  };
  const names = k.net!.names;
  for (const [name, pid, chid] of names.local()) serve(true, name, pid, chid);
  const stopServing = names.onLocal(serve);
  names.resolver = (name, done) => {
    nc.request(`${prefix}.svc.${nameToken(name)}`, undefined, { timeout: probeMs }).then(
      (m) => {
        const dv = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
        const node = new TextDecoder().decode(m.data.subarray(8));
        k.core.run(() => {
          if (!TOKEN.test(node) || node === me) { done(ERRNO.ENOENT, 0, 0, 0); return; }
          linkFor(node); // reached from now on, if it was not yet
          done(0, k.netmgrStrtond(node).nd, dv.getInt32(0, true), dv.getInt32(4, true));
        });
      },
      (e: unknown) => {
        // no responders: no provider anywhere, at once; a timeout: none answered in time
        const none = e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders());
        k.core.run(() => done(none ? ERRNO.ENOENT : ERRNO.ETIMEDOUT, 0, 0, 0));
      },
    );
  };
  await nc.flush();
  nc.publish(`${prefix}.hello`, new TextEncoder().encode(me));
  // our own connection closing takes every peer down
  void nc.closed().then(() => {
    for (const link of links.values()) link.down('NATS connection closed');
  });

  return {
    domain,
    faults: {
      sever: (peer) => { linkFor(peer).severed = true; },
      drop: (peer, n) => { linkFor(peer).dropping += n; },
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopServing();
      if (names.resolver !== null) names.resolver = null;
      for (const sub of serving.values()) sub.unsubscribe();
      serving.clear();
      try {
        nc.publish(`${prefix}.bye`, new TextEncoder().encode(me));
        await nc.flush();
      } catch {
        // a connection already lost: the peers find out by their probes and heartbeats
      }
      for (const s of subs) s.unsubscribe();
      for (const link of links.values()) link.down('left the NATS domain');
      links.clear();
      if (own) await nc.close();
    },
  };
}
