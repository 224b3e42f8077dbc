import { createSystem, VirtualClock } from 'rxnto';
import { messages } from 'rxnto/operators';

const system = createSystem({ scheduler: new VirtualClock() });
const images = system.process({ name: 'server' }).channel();
images.pipe(messages()).subscribe((m) => {
  // m.bytes is lent (longer than bufferSize): read it before the reply, or m.keep() a copy
  const sum = m.bytes.reduce((a, b) => (a + b) & 0xff, 0);
  m.replyBytes(new Uint8Array(m.bytes.length).fill(sum));
});
const conn = system.process({ name: 'client' }).connect(images);
const N = 1_000_000;
const out = new Uint8Array(N); // the client's reply buffer, reused for every reply
for (const fill of [1, 3]) {
  conn.send(new Uint8Array(N).fill(fill), { replyInto: out }).subscribe((r) => {
    console.log(`${r.bytes.length} bytes into my buffer: ${r.bytes === out}, sum ${r.bytes[0]}`);
  });
}
