// A TCP proxy between NATS clients and a nats-server that drops the server's PubAcks (the MSG
// answers to a JetStream publish: a JSON payload with "stream" and "seq") while told to, can cut
// its connections (and refuse new ones for a while), and passes everything else through unchanged. It parses the server → client protocol just enough
// to cut it into operations (MSG and HMSG with their payloads, one-line operations otherwise).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface PubAckProxy {
  readonly url: string;
  /** Drop PubAcks while true. */
  dropping: boolean;
  /** PubAcks dropped so far. */
  readonly dropped: number;
  /** Close every connection through it, and refuse new ones for `ms`. */
  cut(ms: number): void;
  close(): Promise<void>;
}

/** Cut `buf` into complete server operations; returns them and what is left over. */
function operations(buf: Buffer): { ops: Buffer[]; rest: Buffer } {
  const ops: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) break;
    const line = buf.subarray(at, eol).toString('latin1');
    let end = eol + 2;
    if (line.startsWith('MSG ') || line.startsWith('HMSG ')) {
      const size = Number(line.trim().split(/\s+/).at(-1));
      if (buf.length < end + size + 2) break; // the payload is not all here yet
      end += size + 2;
    }
    ops.push(buf.subarray(at, end));
    at = end;
  }
  return { ops, rest: buf.subarray(at) };
}

function isPubAck(op: Buffer): boolean {
  if (!op.subarray(0, 4).equals(Buffer.from('MSG '))) return false;
  const body = op.subarray(op.indexOf('\r\n') + 2).toString('latin1');
  return body.startsWith('{') && body.includes('"stream"') && body.includes('"seq"');
}

/** A proxy on 127.0.0.1 (a free port) to the nats-server at `target` (`nats://host:port`). */
export async function pubAckProxy(target: string): Promise<PubAckProxy> {
  const u = new URL(target);
  const sockets = new Set<Socket>();
  let dropped = 0;
  const proxy: { dropping: boolean } = { dropping: false };
  let refuseUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < refuseUntil) { client.destroy(); return; }
    const upstream = connect(Number(u.port), u.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      const { ops, rest } = operations(Buffer.concat([pending, d]));
      pending = Buffer.from(rest);
      const keep = ops.filter((op) => {
        if (proxy.dropping && isPubAck(op)) { dropped++; return false; }
        return true;
      });
      if (keep.length > 0) client.write(Buffer.concat(keep));
    });
    const end = (): void => { client.destroy(); upstream.destroy(); };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `nats://127.0.0.1:${port}`,
    get dropping() { return proxy.dropping; },
    set dropping(v: boolean) { proxy.dropping = v; },
    get dropped() { return dropped; },
    cut(ms) {
      refuseUntil = Date.now() + ms;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
