import { describe, expectTypeOf, it } from 'vitest';
import { ProtocolClient, createSystem, json, type Codec, type Reply } from '../../src/index.js';
import { messages, serveProtocol } from '../../src/operators/index.js';
import type { Observable } from 'rxjs';

interface Calc {
  0x5001: { request: { a: number; b: number }; reply: number };
  0x5002: { request: string; reply: string };
}

const system = createSystem();
const ch = system.process().channel();
const calc = new ProtocolClient<Calc>(system.process().connect(ch), json() as Codec<unknown>);

describe('protocol types', () => {
  it('should check requests and type replies by message type', () => {
    expectTypeOf(calc.send(0x5001, { a: 1, b: 2 })).toEqualTypeOf<Observable<Reply<number>>>();
    expectTypeOf(calc.send(0x5002, 'x')).toEqualTypeOf<Observable<Reply<string>>>();
    // @ts-expect-error: 0x5002 takes a string
    calc.send(0x5002, { a: 1, b: 2 });
    // @ts-expect-error: no such message type
    calc.send(0x6000, 'x');
  });

  it('should check handlers against the protocol', () => {
    ch.pipe(messages(), serveProtocol<Calc>(json(), { 0x5001: ({ a, b }) => a + b, 0x5002: (s) => s.trim() }));
    // @ts-expect-error: 0x5001 replies a number
    ch.pipe(messages(), serveProtocol<Calc>(json(), { 0x5001: () => 'x', 0x5002: (s) => s }));
    // @ts-expect-error: every message type needs a handler
    ch.pipe(messages(), serveProtocol<Calc>(json(), { 0x5001: () => 1 }));
  });
});

describe('method-named protocol types', () => {
  interface Sensor {
    getReading: { type: 0x5001; request: { id: number }; reply: { value: number } };
  }
  it('should type remote methods and serveProtocol handlers by name', async () => {
    const { defineProtocol, remote } = await import('../../src/index.js');
    const sensor = defineProtocol<Sensor>({ getReading: 0x5001 });
    const system = createSystem();
    const ch = system.process().channel();
    const api = remote(system.process().connect(ch), sensor, json());
    expectTypeOf(api.getReading({ id: 1 })).toEqualTypeOf<import('rxjs').Observable<{ value: number }>>();
    // @ts-expect-error: the request is { id: number }
    api.getReading('x');
    // @ts-expect-error: no such method
    api.setReading({ id: 1 });
    ch.pipe(messages(), serveProtocol(sensor, json(), { getReading: ({ id }) => ({ value: id }) }));
    // @ts-expect-error: getReading replies { value: number }
    ch.pipe(messages(), serveProtocol(sensor, json(), { getReading: () => 'x' }));
    // @ts-expect-error: the type must be the one the protocol says
    defineProtocol<Sensor>({ getReading: 0x5002 });
  });
});
