import { Kernel, VirtualClock, KernelError, formatPidin } from 'rxnto';
import { _NTO_SIDE_CHANNEL, _NTO_CHF_UNBLOCK } from 'rxnto/constants';

const kernel = new Kernel({ scheduler: new VirtualClock() });
const server = kernel.createThread(kernel.createProcess({ name: 'server' }));
const client = kernel.createThread(kernel.createProcess({ name: 'client' }));

const chid = kernel.channelCreate(server, _NTO_CHF_UNBLOCK);
const coid = kernel.connectAttach(client, 0, server.process.pid, chid, _NTO_SIDE_CHANNEL, 0);

// the client sends first: nobody is receiving, so it is SEND-blocked
const reply = new Uint8Array(16);
kernel.msgSend(client, coid, new TextEncoder().encode('ping'), reply, (err, status) => {
  console.log(`client: err ${err}, status ${status}, reply "${new TextDecoder().decode(reply.subarray(0, 4))}"`);
});
console.log(formatPidin(kernel.snapshot()));

// the server receives (the client becomes REPLY-blocked) and replies
const buf = new Uint8Array(16);
kernel.msgReceive(server, chid, buf, null, (err, rcvid) => {
  kernel.msgReply(server, rcvid, 4, new TextEncoder().encode('pong'));
});

try {
  kernel.channelDestroy(server, 42);
} catch (e) {
  if (e instanceof KernelError) console.log(`${e.call} failed: ${e.code} (errno ${e.errno})`);
}
