// More binding cases: round trips through the Connection Subject, and a 1 MiB round trip.
import { VirtualClock, createSystem } from 'rxnto';
import { messages } from 'rxnto/operators';

const PAYLOAD = 64;

/** rx.sync.subject: conn.next(msg) → the reply to conn.subscribe(), 64 bytes, in-process. */
export function rxSubject() {
  const system = createSystem({ scheduler: new VirtualClock() });
  const ch = system.process().channel();
  const reply = new Uint8Array(PAYLOAD);
  ch.pipe(messages()).subscribe((m) => m.replyBytes(reply));
  const conn = system.process().connect(ch, { replySize: PAYLOAD });
  let replies = 0;
  conn.subscribe(() => { replies++; });
  const msg = new Uint8Array(PAYLOAD).fill(7);
  return (n) => {
    for (let i = 0; i < n; i++) conn.next(msg);
    if (replies < n) throw new Error('a round trip did not complete synchronously');
    replies = 0;
  };
}

const MIB = 1 << 20;

/**
 * rx.sync.1mib: send() of 1 MiB, replied with 1 MiB into the client's own reply buffer
 * (`replyInto`, C's rmsg); the server reads the message as borrowed bytes (longer than its
 * receive buffer) and checks its last byte.
 */
export function rx1MiB() {
  const system = createSystem({ scheduler: new VirtualClock() });
  const ch = system.process().channel();
  const reply = new Uint8Array(MIB).fill(3);
  ch.pipe(messages()).subscribe((m) => {
    if (m.bytes.length !== MIB || m.bytes[MIB - 1] !== 7) throw new Error('the message did not arrive whole');
    m.replyBytes(reply);
  });
  const conn = system.process().connect(ch);
  const msg = new Uint8Array(MIB).fill(7);
  const options = { replyInto: new Uint8Array(MIB) };
  let bytes = 0;
  const onReply = (r) => { if (r.bytes[MIB - 1] === 3) bytes += r.bytes.length; };
  return (n) => {
    for (let i = 0; i < n; i++) conn.send(msg, options).subscribe(onReply);
    if (bytes !== n * MIB) throw new Error('a round trip did not complete synchronously');
    bytes = 0;
  };
}

/** memcpy.2x1mib: two Uint8Array.set copies of 1 MiB (the least a 1 MiB round trip copies). */
export function memcpy2x1MiB() {
  const a = new Uint8Array(MIB).fill(7);
  const b = new Uint8Array(MIB);
  const c = new Uint8Array(MIB);
  return (n) => {
    for (let i = 0; i < n; i++) {
      b.set(a);
      c.set(b);
    }
  };
}
