// npm run example:cluster: a local nats-server and three Node processes as nodes: sensors s1 and
// s2 (one global name, two providers) and a client that reads through the name, has the node
// that served it killed mid-run (SIGKILL), sees EHOSTDOWN once, and goes on through the other.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const natsServer = process.env.NATS_SERVER ?? 'nats-server';
if (spawnSync(natsServer, ['--version']).error) {
  console.log('nats-server is not installed (Debian: apt-get install nats-server): nothing to run');
  process.exit(0);
}
const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const server = spawn(natsServer, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
for (;;) {
  const ok = await new Promise((resolve) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); resolve(true); }); c.once('error', () => resolve(false)); });
  if (ok) break;
  await new Promise((r) => setTimeout(r, 50));
}
const url = `nats://127.0.0.1:${port}`;
const domain = `cluster${process.pid}`;
const lines = (proc, on) => {
  let buf = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\n')) >= 0) { on(buf.slice(0, i)); buf = buf.slice(i + 1); } });
};
const sensors = new Map();
for (const name of ['s1', 's2']) {
  const p = spawn(process.execPath, [here('./sensor.mjs'), url, domain, name], { stdio: ['pipe', 'pipe', 'inherit'] });
  sensors.set(name, p);
  await new Promise((resolve) => lines(p, (l) => (l.endsWith('ready') ? resolve() : console.log(l))));
}
const client = spawn(process.execPath, [here('./client.mjs'), url, domain], { stdio: ['ignore', 'pipe', 'inherit'] });
let survivor = null;
lines(client, (l) => {
  const kill = /^kill (s\d)$/.exec(l);
  if (kill === null) { console.log(l); return; }
  console.log(`orchestrator: SIGKILL to ${kill[1]}`);
  sensors.get(kill[1]).kill('SIGKILL');
  sensors.delete(kill[1]);
  survivor = [...sensors.keys()][0];
});
await new Promise((resolve) => client.once('exit', resolve));
// the surviving sensor's pidin, then everything ends
const last = sensors.get(survivor);
last.stdin.write('pidin\n');
await new Promise((r) => setTimeout(r, 300));
for (const p of sensors.values()) p.kill('SIGTERM');
server.kill('SIGTERM');
