// Issue 21 item 2: no reserved-range trap. On a named channel the binding answers only the
// `_IO_CONNECT` that name_open / open sends (matched by its whole header); every other message,
// whatever its first two bytes, reaches the subscriber. Router.message refuses types in the
// reserved range 0x000..0x1FF (the C facade's message_attach keeps QNX's rule: any uint16).
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Router, VirtualClock, createSystem, isKernelError, utf8 } from '../../src/index.js';
import { O_RDWR, _FTYPE_ANY, _IO_CONNECT } from '../../src/constants/index.js';
import { ioConnectMessage } from '../../src/kernel/ioMessages.js';
import { dispatch_create, message_attach } from '../../src/neutrino/index.js';
import { messages, replyWith, sendTo } from '../../src/operators/index.js';
import { isOpenHandshake } from '../../src/rx/Receiver.js';
import { program } from '../neutrino/helpers.js';

function setup() {
  const system = createSystem({ scheduler: new VirtualClock() });
  const server = system.process({ name: 'server' });
  const client = system.process({ name: 'client' });
  return { system, server, client };
}

describe('reserved range', () => {
  describe('named channel (attach)', () => {
    it('should hand raw data whose first bytes read 0x100..0x1FF to the subscriber, and deliver its reply', async () => {
      const { server, client } = setup();
      const ch = server.attach('svc');
      const seen: number[][] = [];
      ch.pipe(messages(), replyWith((b: Uint8Array) => { seen.push([...b]); return Uint8Array.of(b.length); })).subscribe();
      const conn = await firstValueFrom(client.open('svc'));
      const requests = [[7, 1, 0], [0x01, 0x01], [0xff, 0x01, 9], [0x00, 0x01], [0x00, 0x01, 0x02, 0x00]].map((b) => Uint8Array.from(b));
      const replies = await lastValueFrom(of(...requests).pipe(sendTo(conn), toArray()));
      expect(replies.map((r) => [...r.bytes])).toEqual([[3], [2], [3], [2], [4]]);
      expect(seen).toEqual(requests.map((b) => [...b]));
    });

    it("should hand utf8 'a\\u0001' (0x61 0x01: type 0x161) to the subscriber of a utf8 channel", async () => {
      const { server, client } = setup();
      const ch = server.attach('text', { codec: utf8 });
      ch.pipe(messages(), replyWith((s: string) => `got ${JSON.stringify(s)}`)).subscribe();
      const conn = await firstValueFrom(client.open('text', { codec: utf8 }));
      expect((await firstValueFrom(conn.send('a\u0001'))).data).toBe('got "a\\u0001"');
    });

    it('should hand a message that starts like _IO_CONNECT but is not the handshake to the subscriber', async () => {
      const { server, client } = setup();
      const ch = server.attach('svc');
      const seen: number[] = [];
      ch.pipe(messages(), replyWith((b: Uint8Array) => { seen.push(b.length); return utf8.encode('app'); })).subscribe();
      const conn = await firstValueFrom(client.open('svc'));
      const real = ioConnectMessage('svc');
      const longer = new Uint8Array(real.length + 1);
      longer.set(real);
      const noNul = real.slice();
      noNul[noNul.length - 1] = 0x41;
      const otherSubtype = real.slice();
      otherSubtype[2] = 5;
      const cut = real.subarray(0, 40);
      for (const m of [longer, noNul, otherSubtype, cut]) {
        expect(utf8.decode((await firstValueFrom(conn.sendBytes(m))).bytes)).toBe('app');
      }
      expect(seen).toEqual([longer.length, noNul.length, otherSubtype.length, 40]);
    });

    it('should still accept the name_open and open() handshakes itself, never showing them', async () => {
      const { server, client } = setup();
      const ch = server.attach('svc');
      const seen: number[][] = [];
      ch.pipe(messages(), replyWith((b: Uint8Array) => { seen.push([...b]); return b; })).subscribe();
      const conn = await firstValueFrom(client.open('svc'));
      const file = await firstValueFrom(client.openFile('/dev/name/local/svc', O_RDWR));
      expect(file).toBeDefined();
      expect([...(await firstValueFrom(conn.sendBytes(Uint8Array.of(1, 2)))).bytes]).toEqual([1, 2]);
      expect(seen).toEqual([[1, 2]]);
    });

    it('should accept the handshake even when the receive buffer is shorter than its header', async () => {
      const { server, client } = setup();
      const ch = server.attach('svc', { bufferSize: 8 });
      const seen: number[][] = [];
      ch.pipe(messages(), replyWith((b: Uint8Array) => { seen.push([...b]); return b; })).subscribe();
      const conn = await firstValueFrom(client.open('svc'));
      expect([...(await firstValueFrom(conn.sendBytes(Uint8Array.of(0, 1, 7)))).bytes]).toEqual([0, 1, 7]);
      expect(seen).toEqual([[0, 1, 7]]);
    });
  });

  describe('isOpenHandshake', () => {
    it('should match exactly what name_open and open send', () => {
      expect(isOpenHandshake(ioConnectMessage('svc'))).toBe(true);
      expect(isOpenHandshake(ioConnectMessage('/dev/x', _FTYPE_ANY, O_RDWR, 0o644))).toBe(true);
    });

    it('should refuse anything else that starts with 0x100', () => {
      const real = ioConnectMessage('svc');
      const withType = (b: Uint8Array, at: number, v: number) => { const c = b.slice(); c[at] = v; return c; };
      expect(isOpenHandshake(Uint8Array.of(_IO_CONNECT & 0xff, _IO_CONNECT >> 8))).toBe(false);
      expect(isOpenHandshake(real.subarray(0, real.length - 1))).toBe(false); // cut short
      expect(isOpenHandshake(withType(real, 2, 0))).toBe(false); // subtype
      expect(isOpenHandshake(withType(real, 4, 3))).toBe(false); // file type
      expect(isOpenHandshake(withType(real, 36, real[36]! + 1))).toBe(false); // path_len
      expect(isOpenHandshake(withType(real, real.length - 1, 1))).toBe(false); // no NUL
      expect(isOpenHandshake(withType(real, 1, 2))).toBe(false); // type 0x200
      expect(isOpenHandshake(new Uint8Array(0))).toBe(false);
    });
  });

  describe('Router.message', () => {
    const router = () => new Router(createSystem({ scheduler: new VirtualClock() }).process().channel());
    const none = () => new Uint8Array(0);

    it('should refuse a range reaching into 0x000..0x1FF with EINVAL naming the reserved range', () => {
      for (const [low, high] of [[0x101, 0x101], [0x1ff, 0x1ff], [0, 0x10], [0x100, 0x5000], [0x20, 0x20]] as const) {
        let thrown: unknown;
        try { router().message(low, high, none); } catch (e) { thrown = e; }
        expect(isKernelError(thrown)).toBe(true);
        expect(thrown).toMatchObject({ code: 'EINVAL' });
        expect((thrown as Error).message).toMatch(/0x000\.\.0x1ff reserved/);
      }
    });

    it('should take a range above _IO_MAX, and still refuse what is outside 0..0xffff', () => {
      expect(() => router().message(0x200, 0x200, none).message(0x5000, 0xffff, none)).not.toThrow();
      expect(() => router().message(-1, 5, none)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
      expect(() => router().message(0x200, 0x10000, none)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    });
  });

  describe('message_attach (C facade)', () => {
    it('should keep QNX rules: a range in 0x100..0x1FF is accepted', async () => {
      const got = await program(async () => message_attach(dispatch_create()!, null, 0x101, 0x101, () => 0, null));
      expect(got).toBe(0);
    });
  });
});
