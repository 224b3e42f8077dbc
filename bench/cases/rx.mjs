// rx.sync.roundtrip: Connection.send() → Channel subscriber reply, 64 bytes, in-process.
import { VirtualClock, createSystem } from 'rxnto';
import { messages } from 'rxnto/operators';

const PAYLOAD = 64;

export function rxRoundtrip() {
  const system = createSystem({ scheduler: new VirtualClock() });
  const server = system.process({ name: 'server' });
  const client = system.process({ name: 'client' });
  const ch = server.channel();
  const reply = new Uint8Array(PAYLOAD);
  ch.pipe(messages()).subscribe((m) => m.replyBytes(reply));
  const conn = client.connect(ch, { replySize: PAYLOAD });
  const msg = new Uint8Array(PAYLOAD).fill(7);
  let replies = 0;
  const onReply = () => { replies++; };
  return (n) => {
    for (let i = 0; i < n; i++) conn.send(msg).subscribe(onReply);
    if (replies < n) throw new Error('a round trip did not complete synchronously');
    replies = 0;
  };
}
