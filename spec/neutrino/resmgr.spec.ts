// Resource managers (qnx-model.md §7, §13.9 #107): the path space, the iofunc defaults, the
// permission check on open, OCBs closed by the disconnect pulse, and the client calls.
import { describe, expect, it } from 'vitest';
import {
  EACCES, EBADF, EEXIST, EINTR, EINVAL, ENOENT, EPERM, ESRCH, TimerTimeout, CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, _RESMGR_NOREPLY, defaultKernel, pulse_attach, O_RDONLY, O_RDWR, O_WRONLY, S_IFNAM, _FTYPE_ANY, _RESMGR_CONNECT_NFUNCS, _RESMGR_IO_NFUNCS,
  _RESMGR_NPARTS, ConnectDetach, close, dispatch_block, dispatch_context_alloc, dispatch_create, dispatch_handler, errno, fstat,
  iofunc_attr_init, iofunc_func_init, open, read, resmgr_attach, resmgr_detach, sleep, spawn, write,
  type dispatch_t, type iofunc_attr_t, type resmgr_connect_funcs_t, type resmgr_io_funcs_t, type stat_t,
} from '../../src/neutrino/index.js';
import { program } from './helpers.js';

/** A resource manager on `path` served by one thread looping dispatch_block / dispatch_handler. */
function server(path: string, mode: number, owner: { uid: number; gid: number } | null, setup?: (io: resmgr_io_funcs_t) => void) {
  return async (): Promise<void> => {
    const connect: resmgr_connect_funcs_t = {};
    const io: resmgr_io_funcs_t = {};
    const attr = {} as iofunc_attr_t;
    iofunc_func_init(_RESMGR_CONNECT_NFUNCS, connect, _RESMGR_IO_NFUNCS, io);
    setup?.(io);
    iofunc_attr_init(attr, S_IFNAM | mode, null, owner === null ? null : { cred: { euid: owner.uid, egid: owner.gid } });
    const dpp = dispatch_create()!;
    if (resmgr_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 2048 }, path, _FTYPE_ANY, 0, connect, io, attr) === -1) return;
    const ctp = dispatch_context_alloc(dpp)!;
    for (;;) {
      const got = await dispatch_block(ctp);
      if (got === null) return;
      await dispatch_handler(got);
    }
  };
}

describe('resource manager', () => {
  it('13.9.107 should refuse a non-root client EACCES on mode 0660 owned by others; root opens', async () => {
    const got = await program(async () => {
      await spawn(server('/dev/guarded', 0o660, { uid: 100, gid: 100 }));
      await sleep(0.001);
      const out: number[] = [];
      await spawn(async () => { out.push(await open('/dev/guarded', O_RDONLY), errno()); }, { uid: 200, gid: 200 });
      await spawn(async () => { out.push(await open('/dev/guarded', O_RDWR) >= 0 ? 1 : 0); }, { uid: 100, gid: 7 });
      await spawn(async () => { out.push(await open('/dev/guarded', O_RDONLY) >= 0 ? 1 : 0); }, { uid: 300, gid: 100 });
      await sleep(0.001);
      out.push(await open('/dev/guarded', O_RDWR) >= 0 ? 1 : 0); // root
      return out;
    });
    expect(got).toEqual([-1, EACCES, 1, 1, 1]);
  });

  it('should serve the defaults: write swallows, read is at end of file, fstat reports the attr, close', async () => {
    const got = await program(async () => {
      await spawn(server('/dev/mynull', 0o666, null));
      await sleep(0.001);
      const fd = await open('/dev/mynull', O_RDWR);
      const st: Partial<stat_t> = {};
      const out = [await write(fd, 'some bytes', 10), await read(fd, new Uint8Array(8), 8), await fstat(fd, st), st.st_mode, st.st_nlink, await close(fd)];
      out.push(await read(fd, new Uint8Array(4), 4), errno());
      return out;
    });
    expect(got).toEqual([10, 0, 0, S_IFNAM | 0o666, 1, 0, -1, EBADF]);
  });

  it('should enforce the open mode per OCB: read on O_WRONLY and write on O_RDONLY are EBADF', async () => {
    const got = await program(async () => {
      await spawn(server('/dev/mynull', 0o666, null));
      await sleep(0.001);
      const w = await open('/dev/mynull', O_WRONLY);
      const r = await open('/dev/mynull', O_RDONLY);
      return [await read(w, new Uint8Array(4), 4), errno(), await write(r, 'x'), errno(), await write(w, 'ok', 2)];
    });
    expect(got).toEqual([-1, EBADF, -1, EBADF, 2]);
  });

  it('should fail open with ENOENT for a path nobody serves, and after resmgr_detach', async () => {
    const got = await program(async () => {
      const out = [await open('/dev/nothing', O_RDONLY), errno()];
      const dpp = dispatch_create()!;
      const connect: resmgr_connect_funcs_t = {};
      const io: resmgr_io_funcs_t = {};
      iofunc_func_init(_RESMGR_CONNECT_NFUNCS, connect, _RESMGR_IO_NFUNCS, io);
      const attr = {} as iofunc_attr_t;
      iofunc_attr_init(attr, S_IFNAM | 0o666, null, null);
      const id = resmgr_attach(dpp, null, '/dev/once', _FTYPE_ANY, 0, connect, io, attr);
      out.push(resmgr_attach(dpp, null, '/dev/once', _FTYPE_ANY, 0, connect, io, attr), errno());
      out.push(resmgr_detach(dpp, id, 0), await open('/dev/once', O_RDONLY), errno(), resmgr_detach(dpp, id, 0));
      return out;
    });
    expect(got).toEqual([-1, ENOENT, -1, EEXIST, 0, -1, ENOENT, -1]);
  });

  it('should refuse resmgr_attach of a path without PROCMGR_AID_PATHSPACE (EPERM)', async () => {
    const got = await program(async () => {
      let r: number[] = [];
      await spawn(async () => {
        const dpp: dispatch_t = dispatch_create()!;
        const attr = {} as iofunc_attr_t;
        iofunc_attr_init(attr, S_IFNAM | 0o666, null, null);
        r = [resmgr_attach(dpp, null, '/dev/x', _FTYPE_ANY, 0, {}, {}, attr), errno()];
      }, { uid: 100, abilities: [44] });
      await sleep(0.001);
      return r;
    });
    expect(got).toEqual([-1, EPERM]);
  });

  it('should close the OCBs of a client that disconnects without close (close_ocb runs)', async () => {
    const got = await program(async () => {
      const closed: number[] = [];
      await spawn(server('/dev/count', 0o666, null, (io) => {
        const dflt = io.close_ocb!;
        io.close_ocb = (ctp, r, ocb) => { closed.push(ocb.attr.count); return dflt(ctp, r, ocb); };
      }));
      await sleep(0.001);
      const a = await open('/dev/count', O_RDWR);
      const b = await open('/dev/count', O_RDWR);
      // no _IO_CLOSE: both fds share one kernel connection (one scoid), so the disconnect pulse
      // comes when the last goes, and the layer closes both OCBs
      ConnectDetach(a);
      await sleep(0.001);
      const afterFirst = closed.length;
      ConnectDetach(b);
      await sleep(0.001);
      return [afterFirst, ...closed];
    });
    expect(got).toEqual([0, 2, 1]);
  });

  it('should let an I/O function reply with parts (_RESMGR_NPARTS) and status', async () => {
    const got = await program(async () => {
      await spawn(server('/dev/hello', 0o666, null, (io) => {
        io.read = (ctp, msg) => {
          const data = new TextEncoder().encode('hello world').subarray(0, msg.nbytes);
          ctp.iov = [{ iov_base: data, iov_len: data.length }];
          ctp.status = data.length;
          return _RESMGR_NPARTS(1);
        };
      }));
      await sleep(0.001);
      const fd = await open('/dev/hello', O_RDONLY);
      const buf = new Uint8Array(5);
      const n = await read(fd, buf, 5);
      return [n, new TextDecoder().decode(buf)];
    });
    expect(got).toEqual([5, 'hello']);
  });
});

describe('resource manager on a dispatch handle', () => {
  it('should refuse pulse_attach of UNBLOCK or DISCONNECT on a resmgr handle, and growing sizes after a context', async () => {
    const got = await program(async () => {
      const dpp = dispatch_create()!;
      const attr = {} as iofunc_attr_t;
      iofunc_attr_init(attr, S_IFNAM | 0o666, null, null);
      resmgr_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 1024 }, '/dev/a', _FTYPE_ANY, 0, {}, {}, attr);
      const out = [pulse_attach(dpp, 0, -32, () => 0, null), errno(), pulse_attach(dpp, 0, -33, () => 0, null), errno()];
      dispatch_context_alloc(dpp);
      out.push(resmgr_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 8192 }, '/dev/b', _FTYPE_ANY, 0, {}, {}, attr), errno());
      out.push(resmgr_attach(dpp, { flags: 0, nparts_max: 1, msg_max_size: 512 }, '/dev/c', _FTYPE_ANY, 0, {}, {}, attr) > 0 ? 1 : 0);
      return out;
    });
    expect(got).toEqual([-1, EEXIST, -1, EEXIST, -1, EINVAL, 1]);
  });

  it('should release a client blocked on a resource manager that dies (ESRCH)', async () => {
    const got = await program(async () => {
      let server = 0;
      server = await spawn(async () => {
        const dpp = dispatch_create()!;
        const io: resmgr_io_funcs_t = {};
        const connect: resmgr_connect_funcs_t = {};
        iofunc_func_init(_RESMGR_CONNECT_NFUNCS, connect, _RESMGR_IO_NFUNCS, io);
        io.read = () => _RESMGR_NOREPLY; // holds the reader
        const attr = {} as iofunc_attr_t;
        iofunc_attr_init(attr, S_IFNAM | 0o666, null, null);
        resmgr_attach(dpp, null, '/dev/hold', _FTYPE_ANY, 0, connect, io, attr);
        const ctp = dispatch_context_alloc(dpp)!;
        for (;;) {
          const r = await dispatch_block(ctp);
          if (r === null) return;
          await dispatch_handler(r);
        }
      });
      await sleep(0.001);
      const fd = await open('/dev/hold', O_RDONLY);
      const pending = read(fd, new Uint8Array(4), 4);
      await sleep(0.001);
      defaultKernel().processExit(defaultKernel().getProcess(server)!, 0);
      return [await pending, errno()];
    });
    expect(got).toEqual([-1, ESRCH]);
  });
});

describe('resource manager unblock', () => {
  it('should answer an UNBLOCK pulse for a held client with EINTR (the client timed out REPLY-blocked)', async () => {
    const got = await program(async (clock) => {
      await spawn(server('/dev/slow', 0o666, null, (io) => {
        io.read = () => _RESMGR_NOREPLY; // never answers by itself
      }));
      await sleep(0.001);
      const fd = await open('/dev/slow', O_RDONLY);
      TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_REPLY, null, 50e6, null);
      const r = await read(fd, new Uint8Array(4), 4);
      return [r, errno(), Math.round(clock.now())];
    });
    expect(got).toEqual([-1, EINTR, 51]);
  });
});
