// npm run inspect:demo: a live system to look at with the inspector (issue 24). Two nodes joined
// by a loopback link, in real time:
//  - technote Example 6 over the two nodes: asynch_server on b under a global name, asynch_client
//    on a finds that an asynchronous connection to another node is ENOREMOTE and sends its
//    messages synchronously instead (one a second, for ever, so that the timeline moves);
//  - a stalled client: waiter on a sends to logger on b, which receives and never replies;
//  - a deadlock: server1 and server2 on a each take a request and, to answer it, ask the other;
//  - and, on a, display asking clock for the time four times a second (send → receive → reply
//    arrows on the timeline: the inspector traces the node it runs on, a).
// It prints the inspector's URL and runs until Ctrl-C. `--print-url-and-exit` (or
// RXNTO_DEMO_ONCE=1) prints the URL and stops at once; specs import startDemo() instead.
import { pathToFileURL } from 'node:url';
import { firstValueFrom, map } from 'rxjs';
import { createSystem, KernelError, utf8 } from 'rxnto';
import { _NTO_SIDE_CHANNEL } from 'rxnto/constants';
import { inspect } from 'rxnto/inspector';
import { messages, replyWith } from 'rxnto/operators';
import { connectLoopback } from 'rxnto/testing';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2;
const PUT_SYNC = 3;

/**
 * Start the demo system and its inspector. `options`: `port` (default 0: a free one),
 * `stallThresholdMs` (default 2000), `log` (default console.log), any other `inspect()` option in
 * `inspect`. Returns the two systems, the link, the inspector, and `stall(name)` that starts
 * another stalled client (a new stall episode) on a.
 */
export async function startDemo(options = {}) {
  const log = options.log ?? ((s) => console.log(s));
  // ten missed heartbeats (10 s) before a silent node is declared down: time to see it suspect
  const a = createSystem({ node: 'a', net: { missed: 10 } });
  const b = createSystem({ node: 'b', net: { missed: 10 } });
  const link = connectLoopback(a, b, { latency: 1 });
  a.nodes$.subscribe((e) => log(`a: node ${e.node} ${e.state} (${e.reason})`));

  // ---- technote Example 6, the server on b (GET_ACHID, PUT_SYNC) ----
  const asynchServer = b.process({ name: 'asynch_server' });
  const inbox = asynchServer.asyncChannel({ codec: utf8 });
  asynchServer.attach(RECV_NAME, { global: true }).pipe(messages(), replyWith((bytes, m) => {
    if (m.type === GET_ACHID) return new Uint8Array(new Int32Array([inbox.chid]).buffer);
    if (m.type === PUT_SYNC) return new Uint8Array(0);
    throw new KernelError('ENOSYS', 'MsgReply');
  })).subscribe();

  // ---- the client on a: open the global name, ask for the achid, try async, send sync ----
  const asynchClient = a.process({ name: 'asynch_client' });
  const conn = await firstValueFrom(asynchClient.open(RECV_NAME, { global: true, wait: 5000 }));
  const achid = await firstValueFrom(conn.sendBytes(new Uint8Array([GET_ACHID, 0]), { replySize: 4 }).pipe(map((r) => new DataView(r.bytes.buffer).getInt32(0, true))));
  try {
    asynchClient.asyncConnect({ node: 'b', pid: asynchServer.pid, chid: achid }, { codec: utf8 });
  } catch (e) {
    log(`asynch_client: asyncConnect to node b: ${e.code}; sending synchronously instead`);
  }
  let count = 0;
  const ticker = setInterval(() => {
    const text = new TextEncoder().encode(`message #${++count}`);
    conn.sendBytes(new Uint8Array([PUT_SYNC, 0, ...text])).subscribe({ error: () => {} });
  }, 1000);

  // ---- a local exchange on a: display asks clock for the time ----
  const clock = a.process({ name: 'clock' });
  const time$ = clock.channel({ codec: utf8 });
  time$.pipe(messages(), replyWith(() => new Date().toISOString().slice(11, 23))).subscribe();
  const display = a.process({ name: 'display' }).connect(time$, { codec: utf8 });
  const asker = setInterval(() => display.send('time?').subscribe({ error: () => {} }), 250);

  // ---- a stalled client: waiter on a, REPLY-blocked on logger of b, which never replies ----
  const logger = b.process({ name: 'logger' });
  const log$ = logger.channel({ codec: utf8 });
  log$.subscribe(); // receives, never replies
  const stalled = [];
  const stall = (name = 'waiter') => {
    const p = a.process({ name });
    p.connect({ node: 'b', pid: logger.pid, chid: log$.chid }, { codec: utf8 }).send(`hello from ${name}`).subscribe({ error: () => {} });
    stalled.push(p);
    return p;
  };
  stall('waiter');

  // ---- a deadlock on a: server1 and server2 each take a request and, to answer it, ask the other ----
  const k = a.kernel;
  const server1 = k.createProcess({ name: 'server1' });
  const server2 = k.createProcess({ name: 'server2' });
  const rx1 = k.createThread(server1, { name: 'rx' });
  const rx2 = k.createThread(server2, { name: 'rx' });
  const ch1 = k.channelCreate(rx1, 0);
  const ch2 = k.channelCreate(rx2, 0);
  const to2 = k.connectAttach(rx1, 0, server2.pid, ch2, _NTO_SIDE_CHANNEL, 0);
  const to1 = k.connectAttach(rx2, 0, server1.pid, ch1, _NTO_SIDE_CHANNEL, 0);
  const serve = (rx, chid, other) => {
    const buf = new Uint8Array(64);
    k.msgReceive(rx, chid, buf, null, (err) => {
      if (err !== 0) return;
      k.msgSend(rx, other, new TextEncoder().encode('need yours first'), new Uint8Array(64), () => {});
    });
  };
  serve(rx1, ch1, to2);
  serve(rx2, ch2, to1);
  const kicker = k.createProcess({ name: 'kicker' });
  const kick = k.createThread(kicker, { name: 'main' });
  const kickCoid = k.connectAttach(kick, 0, server1.pid, ch1, _NTO_SIDE_CHANNEL, 0);
  k.msgSend(kick, kickCoid, new TextEncoder().encode('work'), new Uint8Array(64), () => {});

  const inspector = await inspect(a, { port: options.port ?? 0, stallThresholdMs: options.stallThresholdMs ?? 2000, ...options.inspect });
  return {
    a, b, link, inspector, url: inspector.url, stall,
    async close() {
      clearInterval(ticker);
      clearInterval(asker);
      await inspector.close();
      link.close('demo over');
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const once = process.argv.includes('--print-url-and-exit') || process.env.RXNTO_DEMO_ONCE === '1';
  const port = Number(process.env.RXNTO_INSPECT_PORT ?? 0);
  const demo = await startDemo({ port, log: once ? () => {} : undefined });
  console.log(`rxnto inspector: ${demo.url}`);
  if (once) {
    await demo.close();
    process.exit(0);
  }
  console.log('Example 6 over nodes a and b, a stalled client (waiter → logger) and a deadlock (server1 ↔ server2). Ctrl-C to stop.');
  process.on('SIGINT', async () => {
    await demo.close();
    process.exit(0);
  });
}
