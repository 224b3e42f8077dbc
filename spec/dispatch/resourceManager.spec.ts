// A resource manager on the Router: defaults, your read/write, open modes, unmount, EEXIST /
// EPERM, and the client's FileHandle.
import { concat, firstValueFrom, lastValueFrom, toArray, map } from 'rxjs';
import { ioConnectMessage } from '../../src/kernel/ioMessages.js';
import { describe, expect, it } from 'vitest';
import { Router, VirtualClock, createSystem, utf8 } from '../../src/index.js';
import { O_RDONLY, O_RDWR, O_WRONLY, S_IFNAM, _FTYPE_ANY, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK } from '../../src/constants/index.js';

function setup() {
  const system = createSystem({ scheduler: new VirtualClock() });
  const server = system.process({ name: 'server' });
  const router = new Router(server.channel({ flags: _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT }), { loWater: 1 });
  router.start();
  const client = system.process({ name: 'client' });
  return { system, server, router, client };
}
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code);

describe('Router.resmgr', () => {
  it('should serve your read and write, advancing the offset', async () => {
    const { router, client } = setup();
    const text = utf8.encode('hello, world');
    const taken: string[] = [];
    router.resmgr('/dev/text', { mode: S_IFNAM | 0o666 }, {
      read: (ocb, n) => text.subarray(ocb.offset, ocb.offset + n),
      write: async (_ocb, data) => { taken.push(utf8.decode(data)); return data.length; },
    });
    const f = await firstValueFrom(client.openFile('/dev/text', O_RDWR));
    const out = await lastValueFrom(concat(
      f.read(5).pipe(map((b) => utf8.decode(b))),
      f.read(100).pipe(map((b) => utf8.decode(b))),
      f.read(10).pipe(map((b) => `eof ${b.length}`)),
      f.write(utf8.encode('abc')).pipe(map((n) => `wrote ${n}`)),
      f.stat().pipe(map((s) => `nlink ${s.st_nlink}`)),
    ).pipe(toArray()));
    expect(out).toEqual(['hello', ', world', 'eof 0', 'wrote 3', 'nlink 1']);
    expect(taken).toEqual(['abc']);
  });

  it('should enforce open modes (EBADF), ownership (EACCES) and the path space (ENOENT, EEXIST, EPERM)', async () => {
    const { router, client, system } = setup();
    router.resmgr('/dev/owned', { mode: S_IFNAM | 0o600, uid: 7, gid: 7 });
    const ro = await firstValueFrom(client.openFile('/dev/owned', O_RDONLY)); // client is root
    const wo = await firstValueFrom(client.openFile('/dev/owned', O_WRONLY));
    expect(await code(firstValueFrom(ro.write(utf8.encode('x'))))).toBe('EBADF');
    expect(await code(firstValueFrom(wo.read(1)))).toBe('EBADF');
    const stranger = system.process({ name: 'stranger', uid: 9, gid: 9 });
    expect(await code(firstValueFrom(stranger.openFile('/dev/owned', O_RDONLY)))).toBe('EACCES');
    expect(await code(firstValueFrom(client.openFile('/dev/none', O_RDONLY)))).toBe('ENOENT');
    expect(() => router.resmgr('/dev/owned', { mode: 0o666 })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    const weak = new Router(system.process({ name: 'weak', uid: 5, abilities: [44] }).channel(), { loWater: 1 });
    expect(() => weak.resmgr('/dev/weak', { mode: 0o666 })).toThrow(expect.objectContaining({ code: 'EPERM' }));
  });

  it('should take a path out with unmount, while an open file keeps working until closed', async () => {
    const { router, client } = setup();
    const id = router.resmgr('/dev/gone', { mode: S_IFNAM | 0o666 });
    const f = await firstValueFrom(client.openFile('/dev/gone', O_RDWR));
    router.unmount(id);
    expect(await code(firstValueFrom(client.openFile('/dev/gone', O_RDWR)))).toBe('ENOENT');
    expect(await firstValueFrom(f.write(utf8.encode('still')))).toBe(5);
    expect(await code(lastValueFrom(f.close(), { defaultValue: undefined }))).toBe('ok');
    expect(() => router.unmount(id)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it('should answer a message on an fd never opened EBADF, and unknown I/O types ENOSYS', async () => {
    const { router, client, server } = setup();
    router.resmgr('/dev/x', { mode: S_IFNAM | 0o666 });
    const raw = client.connect({ pid: server.pid, chid: 1 });
    const devctl = new Uint8Array([0x06, 0x01, 0, 0]); // _IO_DEVCTL
    expect(await code(firstValueFrom(raw.sendBytes(devctl)))).toBe('EBADF');
    await firstValueFrom(raw.sendBytes(ioConnectMessage('/dev/x', _FTYPE_ANY, O_RDWR, 0)));
    expect(await code(firstValueFrom(raw.sendBytes(devctl)))).toBe('ENOSYS');
    expect(await code(firstValueFrom(raw.sendBytes(ioConnectMessage('/dev/other', _FTYPE_ANY, O_RDWR, 0))))).toBe('ENOENT');
  });
});
