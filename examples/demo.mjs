// npm start: a server process and two client processes exchange messages through rxnto/neutrino
// (the QNX C API), then a pidin-style table shows every thread and its state mid-exchange.
// RXNTO_VIRTUAL=1 runs the same program in virtual time (deterministic; used by the tests).
import {
  name_attach, name_open, MsgReceive, MsgReply, MsgSend, ConnectDetach, spawn, delay, errno, strerror,
  msg_type, pulse_of, getpid, defaultKernel, useKernel, createKernel, emptyMsgInfo,
  _IO_CONNECT, _PULSE_CODE_DISCONNECT, EOK,
} from 'rxnto/neutrino';
import { formatPidin } from 'rxnto';
import { VirtualClock, runVirtual } from 'rxnto/testing';

const clock = process.env.RXNTO_VIRTUAL === '1' ? new VirtualClock() : null;
if (clock !== null) useKernel(createKernel({ scheduler: clock }));
const kernel = defaultKernel();
const t0 = kernel.scheduler.now();
const dec = new TextDecoder();
const log = (who, text) => console.log(`${String(Math.round(kernel.scheduler.now() - t0)).padStart(4)} ms  ${who.padEnd(10)} ${text}`);

async function main() {
  const server = await spawn(async () => {
    const att = name_attach(null, 'demo/upper', 0);
    if (att === null) throw new Error(`name_attach: ${strerror(errno())}`);
    const buf = new Uint8Array(256);
    const info = emptyMsgInfo();
    let clients = 2;
    while (clients > 0) {
      const rcvid = await MsgReceive(att.chid, buf, buf.length, info);
      if (rcvid === 0) {
        const p = pulse_of(buf);
        if (p.code === _PULSE_CODE_DISCONNECT) { log('server', `client gone (scoid 0x${p.scoid.toString(16)})`); ConnectDetach(p.scoid); clients--; }
        continue;
      }
      if (msg_type(buf) === _IO_CONNECT) { MsgReply(rcvid, EOK, null, 0); continue; }
      const text = dec.decode(buf.subarray(0, info.msglen - 1));
      log('server', `rcvid 0x${rcvid.toString(16)} from pid ${info.pid}: "${text}" (prio ${info.priority})`);
      await delay(40); // work, while the client stays REPLY-blocked
      MsgReply(rcvid, text.length, text.toUpperCase());
    }
  }, { name: 'server' });

  const client = (name, words) => spawn(async () => {
    const coid = await name_open('demo/upper', 0);
    const reply = new Uint8Array(256);
    for (const w of words) {
      const status = await MsgSend(coid, w, undefined, reply, reply.length);
      log(name, `sent "${w}", reply status ${status}: "${dec.decode(reply.subarray(0, status))}"`);
    }
    ConnectDetach(coid);
  }, { name });

  log('main', `server is pid ${server}; main is pid ${getpid()}`);
  await client('client-a', ['send', 'receive', 'reply']);
  await client('client-b', ['pulse', 'channel']);
  await delay(60);
  console.log('\npidin, mid-exchange:\n' + formatPidin(kernel.snapshot()) + '\n');
  while (kernel.getProcess(server) !== undefined) await delay(20);
  log('main', 'server exited; done');
}

if (clock !== null) await runVirtual(clock, main);
else await main();
