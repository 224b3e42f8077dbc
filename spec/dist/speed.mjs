// Issue 12 through the built package (ESM): borrowed message bytes, keep(), replies into the caller's buffer.
import { VirtualClock, createSystem } from 'rxnto';
import { messages } from 'rxnto/operators';

const system = createSystem({ scheduler: new VirtualClock() });
const ch = system.process().channel({ bufferSize: 16 });
const seen = [];
ch.pipe(messages()).subscribe((m) => {
  seen.push({ bytes: m.bytes, kept: seen.length === 0 ? m.keep() : null });
  m.replyBytes(m.bytes.subarray(0, 8), m.bytes.length);
});
const conn = system.process().connect(ch);
const into = new Uint8Array(4);
const replies = [];
for (const fill of [1, 2]) conn.send(new Uint8Array(100).fill(fill), { replyInto: into }).subscribe((r) => replies.push([r.status, r.bytes === into, r.truncated, r.bytes[0]]));
let refused = null;
conn.send(new Uint8Array(1), { replyInto: 'no' }).subscribe({ error: (e) => { refused = e.code; } });
console.log(JSON.stringify({
  kept: [...new Set(seen[0].kept)],
  sharedBuffer: seen[0].bytes.buffer === seen[1].bytes.buffer,
  replies,
  refused,
}));
