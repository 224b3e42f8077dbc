import { of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { Router, createSystem, json, utf8, type FileHandle, type ReceivedPulse } from '../../src/index.js';
import { dispatch_create, message_attach, thread_pool_create, dispatch_context_alloc, dispatch_block, dispatch_unblock, dispatch_handler, dispatch_context_free, type dispatch_context_t, type dispatch_t } from '../../src/neutrino/index.js';

const system = createSystem();
const server = system.process();

describe('dispatch types', () => {
  it('should type Router handlers by the channel codecs', () => {
    const router = new Router(server.channel({ codec: json<{ a: number }>(), replyCodec: utf8 }));
    router.message(0x5000, 0x5000, (data) => {
      expectTypeOf(data).toEqualTypeOf<{ a: number }>();
      return String(data.a);
    });
    router.message(0x5001, 0x5001, async () => 'later');
    router.message(0x5002, 0x5002, () => of('stream'));
    // @ts-expect-error: the reply type is string
    router.message(0x5003, 0x5003, () => 42);
    router.pulse(3, (p) => expectTypeOf(p).toEqualTypeOf<ReceivedPulse>());
    expectTypeOf(router.allocPulse(() => undefined)).toEqualTypeOf<number>();
    expectTypeOf(server.openFile('/dev/null', 0)).toEqualTypeOf<import('rxjs').Observable<FileHandle>>();
  });

  it('should take the exported dispatch functions in a thread_pool_attr_t, as C does', () => {
    const dpp = dispatch_create()!;
    expectTypeOf(dpp).toEqualTypeOf<dispatch_t>();
    message_attach(dpp, null, 0x5000, 0x5fff, (ctp, code) => { expectTypeOf(code).toEqualTypeOf<number>(); return ctp.rcvid; }, null);
    const pool = thread_pool_create({
      handle: dpp, context_alloc: dispatch_context_alloc, block_func: dispatch_block, unblock_func: dispatch_unblock,
      handler_func: dispatch_handler, context_free: dispatch_context_free, lo_water: 2, hi_water: 4, increment: 1, maximum: 50,
    }, 0);
    expectTypeOf(pool!.attr.handle).toEqualTypeOf<dispatch_t>();
    expectTypeOf(dispatch_block).returns.toEqualTypeOf<Promise<dispatch_context_t | null>>();
  });
});
