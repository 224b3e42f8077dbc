// npm start: one run of rxnto, seen twice.
//   Part 1, RxJS: a server answers the messages of its channel (an Observable) with replyWith();
//   clients send through connections and get their replies as Observables; a client that gives
//   up (RxJS timeout(), or the kernel's { timeout }) cancels the server's work.
//   Part 2, QNX: the same run as the kernel saw it: a pidin table taken mid-exchange (who is
//   SEND- and REPLY-blocked on whom) and the kernel trace drawn as marble diagrams.
// About 1.5 s of real time; RXNTO_VIRTUAL=1 runs it in virtual time (at once, deterministic).
import { finalize, lastValueFrom, map, merge, tap, timeout, timer } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { VirtualClock, runVirtual, traceDiagram } from 'rxnto/testing';

const clock = process.env.RXNTO_VIRTUAL === '1' ? new VirtualClock() : null;
const system = createSystem(clock === null ? {} : { scheduler: clock }); // real time unless virtual
const rx = system.kernel.scheduler; // the kernel's clock; the RxJS timers below run on it too
const trace = [];
system.trace$.subscribe((e) => trace.push(e)); // kept for part 2
let t0 = rx.now();
const say = (who, text) => console.log(`${String(Math.round(rx.now() - t0)).padStart(5)} ms  ${who.padEnd(6)}  ${text}`);
const part = (title) => console.log(`\n${title}\n${'='.repeat(title.length)}`);
const section = (title, ...code) => console.log(`\n${title}\n${code.map((line) => `    ${line}\n`).join('')}`);

async function main() {
  part('Part 1 · RxJS: a channel is an Observable, a connection is a Subject');

  // the server: each subscriber of its channel is a receiving thread, one message at a time
  const server = system.process({ name: 'server' });
  const ch = server.channel({ codec: utf8 });
  ch.pipe(messages(), replyWith((text, m) => {
    say('server', `working on '${text}'`);
    return timer(300, rx).pipe( // 300 ms of work, then the reply
      map(() => text.toUpperCase()),
      // the work is unsubscribed when its client gives up: m.signal says why
      finalize(() => { if (m.signal.aborted) say('server', `work for '${text}' cancelled (${m.signal.reason.code})`); }),
    );
  })).subscribe();

  section('1. A server and three clients',
    'server:  ch.pipe(messages(), replyWith((text) => timer(300).pipe(map(() => text.toUpperCase()))))',
    "clients: conn.send('hello from alice').subscribe((reply) => ...)");
  const clients = ['alice', 'bob', 'carol'].map((name) => [name, system.process({ name }).connect(ch, { codec: utf8 })]);
  t0 = rx.now();
  let pidin = '';
  timer(150, rx).subscribe(() => { pidin = system.pidin(); }); // mid-exchange; printed in part 2
  await lastValueFrom(merge(...clients.map(([name, conn]) => {
    say(name, `send('hello from ${name}')`);
    return conn.send(`hello from ${name}`).pipe(tap((reply) => say(name, `reply '${reply.data}'`)));
  })));

  section("2. A client that gives up: RxJS's timeout() cancels the server's work",
    "client:  conn.send('monthly report').pipe(timeout(200))");
  const dave = system.process({ name: 'dave' }).connect(ch, { codec: utf8 });
  say('dave', "send('monthly report') with timeout(200)");
  // timeout() unsubscribes from send(): the kernel's unblock request (EINTR at the server); dave gets RxJS's TimeoutError
  await lastValueFrom(dave.send('monthly report').pipe(timeout({ first: 200, scheduler: rx })))
    .catch((e) => say('dave', `${e.name}: ${e.message} (RxJS's error, not the kernel's)`));

  section("3. The same with the kernel's timeout",
    "client:  conn.send('yearly report', { timeout: 200 })");
  say('dave', "send('yearly report', { timeout: 200 })");
  // a kernel timeout (QNX's TimerTimeout): client and server both see ETIMEDOUT
  await lastValueFrom(dave.send('yearly report', { timeout: 200 }))
    .catch((e) => say('dave', `${e.name} ${e.code}`));

  part('Part 2 · The QNX view of the same run');
  section('pidin at 150 ms, while the server works on the first message:');
  console.log(pidin);
  console.log(`
  alice is REPLY-blocked: the server received her message and has not replied yet.
  bob and carol are SEND-blocked: their messages wait in chid 1's queue, in priority order.
  server tid 2 holds alice's message; tid 3 takes pulses meanwhile, so an unblock reaches the work.`);

  section('the kernel trace of part 1, one column per 100 ms:');
  console.log(traceDiagram(trace, { frameMs: 100, start: t0, label: (pid) => system.kernel.getProcess(pid)?.name ?? `pid ${pid}` }));
  console.log(`
  s send, r receive, R reply: the server takes the three messages in turn, 300 ms each.
  dave gives up twice: u his unblock request, p the unblock pulse the server receives (r),
  E the server's MsgError(-1), which lets dave go (with ETIMEDOUT after the kernel's timeout).

In C (rxnto/neutrino) this is MsgSend, MsgReceive, MsgReply and MsgError on a channel with
_NTO_CHF_UNBLOCK; examples/ports/ has the QNX technote's examples in C calls and as Observables.`);
}

if (clock !== null) await runVirtual(clock, main);
else await main();
