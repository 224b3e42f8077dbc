// A real nats-server for the specs: started on 127.0.0.1 on a free port, stopped after.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as tcp } from 'node:net';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcp(port, '127.0.0.1');
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

export interface NatsServer {
  readonly url: string;
  stop(): Promise<void>;
  /** Kill the server (SIGKILL) and start it again on the same port, after `downMs`. */
  restart(downMs?: number): Promise<void>;
}

/**
 * Start `nats-server` (Debian's package; `.ci/run` installs it) and wait until it accepts;
 * `args` are more of its options (e.g. `['--user', 'u', '--pass', 'p']`).
 */
export async function startNatsServer(args: readonly string[] = []): Promise<NatsServer> {
  const port = await freePort();
  let proc: ChildProcess = await launch(port, args);
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) { resolve(); return; }
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    stop,
    async restart(downMs = 0) {
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) { resolve(); return; }
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      proc = await launch(port, args);
    },
  };
}

async function launch(port: number, args: readonly string[]): Promise<ChildProcess> {
  const proc: ChildProcess = spawn(process.env.NATS_SERVER ?? 'nats-server', ['-a', '127.0.0.1', '-p', String(port), ...args], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => proc.once('error', (e) => reject(new Error(`nats-server could not start: ${String(e)}`))));
  const end = Date.now() + 10_000;
  for (;;) {
    if (await Promise.race([accepts(port), failed])) return proc;
    if (Date.now() > end) throw new Error('nats-server did not accept connections within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}
