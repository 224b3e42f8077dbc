import { of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { createSystem, json, utf8, type Reply, type ReceivedMessage, type Received } from '../../src/index.js';
import { messages, replyWith, sendTo, split } from '../../src/operators/index.js';

const system = createSystem();
const server = system.process();
const client = system.process();

describe('binding types', () => {
  it('should type channels and connections by their codecs', () => {
    const raw = server.channel();
    expectTypeOf(raw).toEqualTypeOf<import('../../src/index.js').Channel<Uint8Array, Uint8Array>>();
    const ch = server.channel({ codec: json<{ n: number }>(), replyCodec: utf8 });
    expectTypeOf(ch.pipe(messages())).toEqualTypeOf<import('rxjs').Observable<ReceivedMessage<{ n: number }, string>>>();
    const conn = client.connect(ch, { codec: json<{ n: number }>(), replyCodec: utf8 });
    expectTypeOf(conn.send({ n: 1 })).toEqualTypeOf<import('rxjs').Observable<Reply<string>>>();
    // @ts-expect-error: the request type is { n: number }
    conn.send('nope');
    // @ts-expect-error: next() sends a request too: { n: number }
    conn.next('x');
    // @ts-expect-error: a pulse is a code, or { code, value, priority }
    conn.pulse('x');
    expectTypeOf(of({ n: 1 }).pipe(sendTo(conn))).toEqualTypeOf<import('rxjs').Observable<Reply<string>>>();
  });

  it('should check handler replies against the reply type', () => {
    const ch = server.channel({ codec: utf8 });
    ch.pipe(messages(), replyWith((s) => s.toUpperCase()));
    // @ts-expect-error: the reply type of a utf8 channel is string
    ch.pipe(messages(), replyWith((s: string) => s.length));
    const [m$, p$] = split(ch);
    expectTypeOf(m$).toEqualTypeOf<import('rxjs').Observable<ReceivedMessage<string, string>>>();
    expectTypeOf(p$.pipe()).toMatchTypeOf<import('rxjs').Observable<{ kind: 'pulse'; code: number }>>();
    ch.subscribe((x: Received<string>) => {
      if (x.kind === 'message') expectTypeOf(x.data).toEqualTypeOf<string>();
      else expectTypeOf(x.code).toEqualTypeOf<number>();
    });
  });

  it('should make Channel<T, R> usable as a type (ReturnType of channel() is not a dead end)', () => {
    let any: ReturnType<typeof server.channel>;
    any = server.channel({ codec: utf8 });
    any = server.channel({ codec: json<{ n: number }>() });
    any = server.channel();
    const keep: Array<import('../../src/index.js').Channel<unknown, unknown>> = [server.channel({ codec: utf8 }), server.channel()];
    expectTypeOf(keep[0]!.pipe(messages())).toMatchTypeOf<import('rxjs').Observable<ReceivedMessage<unknown, unknown>>>();
    void any;
  });
});
