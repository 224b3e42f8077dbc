// The nats-server the NATS rows (nats.mjs) and the durable rows (durable.mjs) start for
// themselves: `NATS_SERVER` or nats-server on PATH, on 127.0.0.1 at a free port.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect as tcp } from 'node:net';

const BIN = process.env.NATS_SERVER ?? 'nats-server';

/** Why nats-server cannot be started here, or null. */
export function natsServerUnavailable() {
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  return r.error ? `nats-server not found (${r.error.code}); install Debian's nats-server` : null;
}

/** A TCP port free on 127.0.0.1 now. */
async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/**
 * Start nats-server with `args` (`['-js', '-sd', dir]` for JetStream) on 127.0.0.1 at a free port.
 * Resolves once it accepts connections, with its URL and `stop()` (SIGTERM; resolves once it exited).
 */
export async function startNatsServer(args = []) {
  const port = await freePort();
  const proc = spawn(BIN, [...args, '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  for (;;) {
    const ok = await new Promise((resolve) => { const c = tcp(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); resolve(true); }); c.once('error', () => resolve(false)); });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `nats://127.0.0.1:${port}`, stop: async () => { proc.kill('SIGTERM'); await exited; } };
}
