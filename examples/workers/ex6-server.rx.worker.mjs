// Technote Example 6's server the RxJS way, in a worker node: a global name answering GET_ACHID
// and PUT_SYNC (each answer says what it saw; a worker prints nothing).
import { KernelError, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { joinParent } from 'rxnto/worker';

const GET_ACHID = 2;
const PUT_SYNC = 3;
const system = await joinParent();
const server = system.process({ name: 'asynch_server' });
const inbox = server.asyncChannel({ codec: utf8 });
server.attach('ASYNCH_RECEIVER', { global: true }).pipe(messages(), replyWith((bytes, m) => {
  if (m.type === GET_ACHID) return new Uint8Array(new Int32Array([inbox.chid]).buffer);
  if (m.type === PUT_SYNC) return utf8.encode(`server got '${utf8.decode(bytes.subarray(2))}' from pid ${m.info.pid}`);
  throw new KernelError('ENOSYS', 'MsgReply');
})).subscribe();
