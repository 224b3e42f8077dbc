import { deepStrictEqual } from 'node:assert';
import { map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { MarbleHarness, normalizeFrames } from 'rxnto/testing';

// use your test framework's deep equality; normalizeFrames compares errors by name and errno code
const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(normalizeFrames(actual), normalizeFrames(expected)));

testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
  const h = new MarbleHarness(testScheduler); // a kernel whose timers run in virtual frames
  const ch = h.process('server').channel({ codec: utf8 });
  ch.pipe(messages(), replyWith((s) => timer(2).pipe(map(() => s.toUpperCase())))).subscribe();

  const conn = h.client(ch, { codec: utf8 });
  const requests = cold('-a-----b|', { a: 'ping', b: 'pong' });
  expectObservable(h.replies(conn, requests)).toBe('---A-----(B|)', { A: 'PING', B: 'PONG' });
  expectObservable(h.trace({ receive: 'r', reply: 'R' })).toBe('-r-R---r-R');
  expectSubscriptions(requests.subscriptions).toBe('^-------!');
});
console.log('marble spec passed');
