import { readFileSync } from 'node:fs';
import { map, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../../marbles/testScheduler.js';

// The README's picture is a marble spec: its six rows are read from the README and run here.
function pictureRows(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const block = /<!-- picture -->\n```text\n([\s\S]*?)```/.exec(readme);
  expect(block, 'the README has its picture').not.toBeNull();
  return block![1]!.trimEnd().split('\n').map((line) => {
    const marble = /^\S+\s+.+?\s{2,}([-a-zA-Z()|]+)(\s{2,}.*)?$/.exec(line);
    expect(marble, `a row of the picture: ${line}`).not.toBeNull();
    return marble![1]!;
  });
}

describe("README's picture", () => {
  it('should be what the TestScheduler sees: one receiving thread, two clients, 3 frames of work each', () => {
    const [ann, bob, receives, replies, annReply, bobReply] = pictureRows();
    const scheduler = createTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(scheduler);
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith((name) => timer(3).pipe(map(() => `hello, ${name}`)))).subscribe();
      const a = h.process('ann').connect(ch, { codec: utf8 });
      const b = h.process('bob').connect(ch, { codec: utf8 });
      expectObservable(h.replies(a, cold(ann!, { a: 'ann' }))).toBe(annReply!, { A: 'hello, ann' });
      expectObservable(h.replies(b, cold(bob!, { b: 'bob' }))).toBe(bobReply!, { B: 'hello, bob' });
      expectObservable(h.trace({ receive: 'r' })).toBe(receives!);
      expectObservable(h.trace({ reply: 'R' })).toBe(replies!);
    });
  });

  it('should fail when a row is drawn wrong (the spec can fail)', () => {
    const scheduler = createTestScheduler();
    expect(() => scheduler.run(({ expectObservable }) => {
      const h = new MarbleHarness(scheduler);
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith((name) => timer(3).pipe(map(() => name)))).subscribe();
      const a = h.process('ann').connect(ch, { codec: utf8 });
      a.send('x').subscribe();
      expectObservable(h.trace({ reply: 'R' })).toBe('--R');
    })).toThrow();
  });
});
