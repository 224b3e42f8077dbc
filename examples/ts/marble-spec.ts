// A marble spec of your own server: virtual time, a client's requests as a cold Observable, the
// replies and the kernel trace as diagrams. Use it with your test framework's deep equality.
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { MarbleHarness, normalizeFrames } from 'rxnto/testing';

let failures = 0;
const scheduler = new TestScheduler((actual, expected) => {
  if (JSON.stringify(normalizeFrames(actual)) !== JSON.stringify(normalizeFrames(expected))) failures++;
});
scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
  const h = new MarbleHarness(scheduler);
  const ch = h.process('server').channel({ codec: utf8 });
  const work = cold('--w|');
  ch.pipe(messages(), replyWith((s: string) => work.pipe(map(() => s.toUpperCase())))).subscribe();
  const conn = h.client(ch, { codec: utf8 });
  const requests = cold('a---b|', { a: 'ping', b: 'pong' });
  expectObservable(h.replies(conn, requests)).toBe('--A---(B|)', { A: 'PING', B: 'PONG' });
  expectObservable(h.trace({ receive: 'r', reply: 'R' })).toBe('r-R-r-R');
  expectSubscriptions(work.subscriptions).toBe(['^-!', '----^-!']);
});
console.log(failures === 0 ? 'marble spec: passed' : `marble spec: ${failures} failed`);
