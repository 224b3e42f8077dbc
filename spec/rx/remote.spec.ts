import { firstValueFrom } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, defineProtocol, json, remote, utf8 } from '../../src/index.js';
import { messages, serveProtocol } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

interface Sensor {
  getReading: { type: 0x5001; request: { id: number }; reply: { id: number; value: number } };
  calibrate: { type: 0x5002; request: number; reply: boolean };
}
const sensor = defineProtocol<Sensor>({ getReading: 0x5001, calibrate: 0x5002 });

describe('remote', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should call methods by name over any codec channel, served by handlers of the same names', async () => {
    const system = createSystem({ scheduler: new VirtualClock() });
    // the server's channel has a utf8 codec: serveProtocol reads the raw bytes
    const ch = system.process().channel({ codec: utf8 });
    ch.pipe(messages(), serveProtocol(sensor, json(), {
      getReading: ({ id }) => ({ id, value: id * 10 }),
      calibrate: (offset) => offset > 0,
    })).subscribe();
    const api = remote(system.process().connect(ch, { codec: utf8 }), sensor, json());
    expect(await firstValueFrom(api.getReading({ id: 4 }))).toEqual({ id: 4, value: 40 });
    expect(await firstValueFrom(api.calibrate(-1))).toBe(false);
  });

  it('should be accepted by MarbleHarness.replies, and surface a server error as a KernelError', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      ch.pipe(messages(), serveProtocol(sensor, json(), {
        getReading: ({ id }) => { if (id < 0) throw kerr('EINVAL'); return { id, value: 1 }; },
        calibrate: () => true,
      })).subscribe();
      const api = remote(h.client(ch), sensor, json());
      expectObservable(h.replies(api.getReading, cold('-a-b|', { a: { id: 1 }, b: { id: -1 } }))).toBe('-r-#', { r: { id: 1, value: 1 } }, kerr('EINVAL'));
    });
  });

  it('should refuse a protocol with a type outside 0..0xffff or used twice', () => {
    expect(() => defineProtocol<Sensor>({ getReading: 0x5001, calibrate: 0x5001 as never })).toThrow(RangeError);
    expect(() => defineProtocol<{ a: { type: 0x10000; request: 1; reply: 1 } }>({ a: 0x10000 })).toThrow(RangeError);
  });
});
