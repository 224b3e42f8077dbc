// npm start: the technote's Example 6, twice. A named server process (asynch_server) answers a
// client's request for its asynchronous channel id on its synchronous channel, then takes each
// message the client (asynch_client) puts. First with the C calls of rxnto/neutrino (woken by a
// pulse), with a pidin-style table taken mid-exchange; then the same exchange as Observables
// (rxnto's RxJS binding). Each ends with its kernel trace drawn as a marble diagram. About 7 s of
// real time; RXNTO_VIRTUAL=1 runs it in virtual time (deterministic; used by the tests).
import {
  name_attach, name_open, ConnectAttach, ConnectServerInfo, MsgReceive, MsgReply, MsgError, MsgSend, SIGEV_PULSE_INIT,
  asyncmsg_channel_create, asyncmsg_connect_attach, asyncmsg_connect_detach, asyncmsg_get, asyncmsg_put, asyncmsg_free,
  ConnectDetach, spawn, sleep, msg_type, pulse_of, defaultKernel, useKernel, createKernel, emptyMsgInfo,
  _NTO_SIDE_CHANNEL, _NTO_CHF_ASYNC_NONBLOCK, _PULSE_CODE_MINAVAIL, _PULSE_CODE_DISCONNECT, _IO_CONNECT, EOK, ENOSYS,
} from 'rxnto/neutrino';
import { firstValueFrom, lastValueFrom, map, timer } from 'rxjs';
import { KernelError, createSystem, formatPidin, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { VirtualClock, runVirtual, traceDiagram } from 'rxnto/testing';

const clock = process.env.RXNTO_VIRTUAL === '1' ? new VirtualClock() : null;
if (clock !== null) useKernel(createKernel({ scheduler: clock }));
const kernel = defaultKernel();
const t0 = kernel.scheduler.now();
const events = [];
kernel.onTrace((e) => events.push(e));
const log = (who, text) => console.log(`${String(Math.round(kernel.scheduler.now() - t0)).padStart(5)} ms  ${who.padEnd(14)} ${text}`);

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2;
const PULSE_ASYNCH_EVENT = _PULSE_CODE_MINAVAIL + 5;
const MESSAGES = 3;

async function asynch_server() {
  const att = name_attach(null, RECV_NAME, 0);
  const self_coid = ConnectAttach(0, 0, att.chid, _NTO_SIDE_CHANNEL, 0);
  const sigev = {};
  SIGEV_PULSE_INIT(sigev, self_coid, 10, PULSE_ASYNCH_EVENT, 0);
  const achid = asyncmsg_channel_create(_NTO_CHF_ASYNC_NONBLOCK, 0o666, 1024, 10, sigev, null);
  const buf = new Uint8Array(16);
  const info = emptyMsgInfo();
  log('asynch_server', `name "${RECV_NAME}" on chid ${att.chid}, async chid ${achid}`);
  for (let clients = 1; clients > 0;) {
    const rcvid = await MsgReceive(att.chid, buf, buf.length, info);
    if (rcvid === 0) {
      const pulse = pulse_of(buf);
      if (pulse.code === _PULSE_CODE_DISCONNECT) {
        ConnectDetach(pulse.scoid);
        log('asynch_server', 'client disconnected');
        clients--;
      } else if (pulse.code === PULSE_ASYNCH_EVENT) {
        for (let agh = await asyncmsg_get(achid); agh !== null; agh = agh.next) {
          log('asynch_server', `pulse → asyncmsg_get: '${new TextDecoder().decode(agh.iov[0].iov_base).replace(/\0$/, '')}' from pid ${agh.info.pid}`);
          asyncmsg_free(agh);
        }
      }
    } else if (msg_type(buf) === _IO_CONNECT) {
      MsgReply(rcvid, EOK, null, 0); // name_open
    } else if (msg_type(buf) === GET_ACHID) {
      log('asynch_server', `GET_ACHID from pid ${info.pid}: reply ${achid}`);
      MsgReply(rcvid, 0, new Uint8Array(new Int32Array([achid]).buffer), 4);
    } else {
      MsgError(rcvid, ENOSYS);
    }
  }
}

async function asynch_client() {
  let server_coid = await name_open(RECV_NAME, 0);
  while (server_coid === -1) {
    await sleep(0.25);
    server_coid = await name_open(RECV_NAME, 0);
  }
  const sinfo = {};
  ConnectServerInfo(0, server_coid, sinfo);
  const a_chid = new Int32Array(1);
  await MsgSend(server_coid, new Uint8Array([GET_ACHID, 0]), 2, new Uint8Array(a_chid.buffer), 4);
  const callback = (err, cmsg, handle) => log('asynch_client', `callback: err ${err}, handle ${handle} ('${cmsg}' delivered)`);
  const aca = { buffer_size: 2048, max_num_buffer: 5, trigger_num_msg: 1, trigger_time: { nsec: 0, interval_nsec: 0 }, call_back: callback };
  const a_coid = asyncmsg_connect_attach(0, sinfo.pid, a_chid[0], 0, 0, aca);
  for (let count = 1; count <= MESSAGES; count++) {
    const buf = `message #${count}`;
    log('asynch_client', `asyncmsg_put '${buf}'`);
    await asyncmsg_put(a_coid, buf, buf.length + 1, count, null);
    await sleep(1);
  }
  asyncmsg_connect_detach(a_coid);
  ConnectDetach(server_coid);
}

async function main() {
  const client = await spawn(asynch_client, { name: 'asynch_client' }); // waits for the name
  await sleep(0.5);
  const server = await spawn(asynch_server, { name: 'asynch_server' });
  await sleep(1.25);
  console.log(`\npidin, mid-exchange:\n${formatPidin(kernel.snapshot())}\n`);
  while (kernel.getProcess(server) !== undefined || kernel.getProcess(client) !== undefined) await sleep(0.25);
  const names = new Map([[1, 'main'], [client, 'asynch_client'], [server, 'asynch_server']]);
  console.log('\nkernel trace (one column = 250 ms; s send, r receive, R reply, p pulse, x disconnect, d death):');
  console.log(traceDiagram(events.filter((e) => e.pid !== 1), { frameMs: 250, start: t0, label: (pid) => names.get(pid) ?? `pid ${pid}` }));
  console.log('\nthe same exchange as Observables (the RxJS binding):\n');
  await asObservables();
  log('main', 'done');
}

/** Example 6 with the RxJS binding: a channel is an Observable, a connection a Subject. */
async function asObservables() {
  const system = createSystem({ scheduler: kernel.scheduler });
  const start = system.kernel.scheduler.now();
  const trace = [];
  system.kernel.onTrace((e) => trace.push(e));
  const say = (who, text) => console.log(`${String(Math.round(system.kernel.scheduler.now() - start)).padStart(5)} ms  ${who.padEnd(14)} ${text}`);
  const server = system.process({ name: 'asynch_server' });
  const named = server.attach(RECV_NAME); // answers name_open itself
  const inbox = server.asyncChannel({ codec: utf8, bufferSize: 1024, maxNumBuffer: 10 });
  named.pipe(messages(), replyWith((_data, m) => {
    if (m.type !== GET_ACHID) throw new KernelError('ENOSYS', 'MsgReply');
    say('asynch_server', `GET_ACHID from pid ${m.info.pid}: reply ${inbox.chid}`);
    return new Uint8Array(new Int32Array([inbox.chid]).buffer);
  })).subscribe();
  inbox.subscribe((batch) => { for (const m of batch) say('asynch_server', `batch: '${m.data}' from pid ${m.pid}`); });
  const client = system.process({ name: 'asynch_client' });
  const conn = await firstValueFrom(client.open(RECV_NAME));
  const achid = await firstValueFrom(conn.sendBytes(new Uint8Array([GET_ACHID, 0])).pipe(map((r) => new DataView(r.bytes.buffer).getInt32(0, true))));
  const out = client.asyncConnect({ pid: server.pid, chid: achid }, { codec: utf8, ringSize: 5, count: 1 });
  out.subscribe(({ handle, err, value }) => say('asynch_client', `delivered: err ${err}, handle ${handle} ('${value}')`));
  for (let count = 1; count <= MESSAGES; count++) {
    say('asynch_client', `next('message #${count}')`);
    out.next(`message #${count}`);
    await lastValueFrom(timer(1000, kernel.scheduler));
  }
  out.complete();
  conn.complete();
  const names = new Map([[server.pid, 'asynch_server'], [client.pid, 'asynch_client']]);
  console.log('\nkernel trace (one column = 250 ms):');
  console.log(traceDiagram(trace, { frameMs: 250, start, label: (pid) => names.get(pid) ?? `pid ${pid}` }));
}

if (clock !== null) await runVirtual(clock, main);
else await main();
