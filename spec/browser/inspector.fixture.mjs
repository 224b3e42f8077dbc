// A system with the inspector, for spec/browser/inspector.spec.ts, run in a child process on the
// built package: `node spec/browser/inspector.fixture.mjs <scenario>`, scenario one of
//  - demo:  examples/inspect-demo.mjs's system (two nodes, a stall, a deadlock);
//  - scale: 10,000 threads SEND-blocked (100 processes of 100 threads) and a little traffic;
//  - flood: a client and an echo server as busy as they can be (a trace too fast for a slow page).
// It prints one JSON line `{ "url": … }`, then answers each command line on stdin with one JSON
// line: `heap`, `sever` (cut the demo's link: node b falls silent), `stall <name>` (a new stalled
// client on a), `quit`.
import { createInterface } from 'node:readline';
import { createSystem, utf8 } from 'rxnto';
import { _NTO_SIDE_CHANNEL } from 'rxnto/constants';
import { inspect } from 'rxnto/inspector';
import { messages, replyWith } from 'rxnto/operators';
import { startDemo } from '../../examples/inspect-demo.mjs';

const scenario = process.argv[2] ?? 'demo';
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const timers = [];

async function scale() {
  const s = createSystem({ node: 'big' });
  const k = s.kernel;
  const sink = k.createProcess({ name: 'sink' });
  const rx = k.createThread(sink, { name: 'rx' });
  const chid = k.channelCreate(rx, 0);
  for (let p = 0; p < 100; p++) {
    const proc = k.createProcess({ name: `client${String(p).padStart(2, '0')}` });
    for (let t = 0; t < 100; t++) {
      const th = k.createThread(proc, { name: `w${String(t).padStart(2, '0')}` });
      const coid = k.connectAttach(th, 0, sink.pid, chid, _NTO_SIDE_CHANNEL, 0);
      k.msgSend(th, coid, new Uint8Array(8), new Uint8Array(8), () => {});
    }
  }
  // a little traffic: the pidin view changes a few times a second
  const echo = s.process({ name: 'echo' });
  const ch = echo.channel({ codec: utf8 });
  ch.pipe(messages(), replyWith((x) => x)).subscribe();
  const conn = s.process({ name: 'pinger' }).connect(ch, { codec: utf8 });
  timers.push(setInterval(() => conn.send('ping').subscribe(), 100));
  return { inspector: await inspect(s, { stallThresholdMs: 60_000 }) };
}

async function flood() {
  const s = createSystem({ node: 'flood' });
  const echo = s.process({ name: 'echo' });
  const ch = echo.channel({ codec: utf8 });
  ch.pipe(messages(), replyWith((x) => x)).subscribe();
  const conn = s.process({ name: 'pinger' }).connect(ch, { codec: utf8 });
  timers.push(setInterval(() => {
    for (let i = 0; i < 150; i++) conn.send('x').subscribe();
  }, 10));
  // 5,000 events a frame (about 750 KB): a page throttled 20× cannot take 10 of them a second
  return { inspector: await inspect(s, { maxEvents: 5000, maxQueue: 256 * 1024 }) };
}

const sys = scenario === 'scale' ? await scale() : scenario === 'flood' ? await flood() : await startDemo({ log: () => {}, inspect: { snapshotDeadlineMs: 5000 } });
say({ url: sys.inspector.url });

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'heap') {
    const m = process.memoryUsage();
    say({ heapUsed: m.heapUsed, rss: m.rss });
  } else if (cmd === 'sever') {
    sys.link.sever();
    say({ severed: true, at: Date.now() });
  } else if (cmd === 'stall') {
    sys.stall(arg ?? 'late');
    say({ stalled: arg ?? 'late', at: Date.now() });
  } else if (cmd === 'quit') {
    break;
  } else say({ error: `no command ${cmd}` });
}
for (const t of timers) clearInterval(t);
if (sys.close !== undefined) await sys.close();
else await sys.inspector.close();
process.exit(0);
