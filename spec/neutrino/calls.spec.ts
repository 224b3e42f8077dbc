import { describe, expect, it, vi } from 'vitest';
import {
  ChannelCreate, ChannelDestroy, ConnectAttach, ConnectDetach, ConnectServerInfo, MsgError, MsgInfo, MsgRead, MsgReceive,
  MsgReceivePulse, MsgReceivev, MsgReply, MsgReplyv, MsgSend, MsgSendPulse, MsgSendsv, MsgSendv, MsgSendvs, MsgWrite,
  MsgWritev, MsgReadv, MsgDeliverEvent, SETIOV, SIGEV_PULSE_INIT, TimerCreate, TimerSettime, TimerDestroy, TimerTimeout,
  name_attach, name_close, name_detach, name_open, pulse_of, msg_type, spawn, exit, pthread_create, pthread_self, getpid,
  gettid, getprio, setprio, pthread_setschedprio, procmgr_ability, errno, perror, strlen, sleep, delay, emptyMsgInfo,
  type iov_t, type sigevent, CLOCK_MONOTONIC, EBADF, EINVAL, ESRCH, ETIMEDOUT, EOK, EDEADLK, EPERM, ENOENT,
  NAME_FLAG_DETACH_SAVEDPP, PROCMGR_AID_PUBLIC_CHANNEL, PROCMGR_AOP_DENY, _IO_CONNECT, _NTO_CHF_PRIVATE,
  _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_RECEIVE, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, _PULSE_CODE_DISCONNECT,
} from '../../src/neutrino/index.js';
import { program } from './helpers.js';

const text = (b: Uint8Array, n = b.indexOf(0) < 0 ? b.length : b.indexOf(0)) => new TextDecoder().decode(b.subarray(0, n));

describe('rxnto/neutrino calls', () => {
  it('should keep errno per logical thread across awaits', async () => {
    const seen = await program(async () => {
      const out: string[] = [];
      const a = spawn(async () => {
        ChannelDestroy(42); // EINVAL in process A
        await sleep(2);
        out.push(`A ${errno()}`);
      });
      const b = spawn(async () => {
        await sleep(1);
        await MsgSend(777, 'x', undefined, null, 0); // EBADF in process B
        await sleep(2);
        out.push(`B ${errno()}`);
      });
      await Promise.all([a, b]);
      ChannelDestroy(-5);
      await sleep(5);
      out.push(`main ${errno()}`);
      return out;
    });
    expect(seen).toEqual([`A ${EINVAL}`, `B ${EBADF}`, `main ${EINVAL}`]);
  });

  it('should run pthread_create threads in the caller process with their own tid and errno', async () => {
    const got = await program(async () => {
      const out: string[] = [];
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const thr: { tid?: number } = {};
      expect(pthread_create(thr, null, async (tag: string) => {
        const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
        const r = new Uint8Array(8);
        const status = await MsgSend(coid, tag, undefined, r, 8);
        out.push(`thread ${gettid()} of ${getpid()} got ${status} ${text(r)}`);
        ConnectDetach(999);
        out.push(`thread errno ${errno()}`);
      }, 'hey')).toBe(EOK);
      const msg = new Uint8Array(16);
      const rcvid = await MsgReceive(chid, msg, 16, null);
      MsgReply(rcvid, 3, 'ok');
      await sleep(1);
      out.push(`main errno ${errno()} tid ${pthread_self()} other ${thr.tid}`);
      return out;
    });
    expect(got).toEqual(['thread 2 of 1 got 3 ok', `thread errno ${EINVAL}`, 'main errno 0 tid 1 other 2']);
  });

  it('should end a spawned process on exit() and refuse a second blocking call on a blocked thread', async () => {
    const got = await program(async () => {
      const out: Array<number | string> = [];
      let chid = -1;
      const server = await spawn(async () => {
        chid = ChannelCreate(0);
        await sleep(10);
        exit(3);
      });
      const coid = ConnectAttach(0, server, chid, _NTO_SIDE_CHANNEL, 0);
      const first = MsgSend(coid, 'a', undefined, null, 0);
      out.push(await MsgSend(coid, 'b', undefined, null, 0), errno() === EDEADLK ? 'EDEADLK' : errno());
      out.push(await first, errno() === ESRCH ? 'ESRCH' : errno());
      return out;
    });
    expect(got).toEqual([-1, 'EDEADLK', -1, 'ESRCH']);
  });

  it('should gather and scatter with iov forms', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const out: string[] = [];
      pthread_create(null, null, async () => {
        const a: iov_t[] = [{ iov_base: new Uint8Array(3), iov_len: 3 }, { iov_base: new Uint8Array(10), iov_len: 10 }];
        const rcvid = await MsgReceivev(chid, a, 2, null);
        out.push(text(a[0]!.iov_base) + '|' + text(a[1]!.iov_base));
        const rest: iov_t = { iov_base: new Uint8Array(2), iov_len: 2 };
        MsgReadv(rcvid, [rest], 1, 4);
        out.push(text(rest.iov_base));
        MsgWritev(rcvid, [{ iov_base: new TextEncoder().encode('WX'), iov_len: 2 }], 1, 0);
        MsgWrite(rcvid, 'Y', 1, 2);
        MsgReplyv(rcvid, 5, [], 0);
      }, null);
      const s1: iov_t = {}  as iov_t;
      const s2: iov_t = {} as iov_t;
      SETIOV(s1, new TextEncoder().encode('abc'));
      SETIOV(s2, new TextEncoder().encode('defgh'));
      const reply = new Uint8Array(4);
      const st = await MsgSendvs(coid, [s1, s2], 2, reply, 4);
      out.push(`${st} ${text(reply, 3)}`);
      return out;
    });
    expect(got).toEqual(['abc|defgh', 'ef', '5 WXY']);
  });

  it('should cover the other send forms and MsgRead/MsgInfo', async () => {
    const got = await program(async () => {
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const out: number[] = [];
      pthread_create(null, null, async () => {
        for (let i = 0; i < 2; i++) {
          const buf = new Uint8Array(2);
          const info = emptyMsgInfo();
          const rcvid = await MsgReceive(chid, buf, 2, info);
          const more = new Uint8Array(8);
          out.push(info.msglen, info.srcmsglen, MsgRead(rcvid, more, 8, 2));
          const fresh = emptyMsgInfo();
          MsgInfo(rcvid, fresh);
          out.push(fresh.dstmsglen);
          MsgReply(rcvid, i, 'zz');
        }
      }, null);
      const r: iov_t = { iov_base: new Uint8Array(6), iov_len: 6 };
      out.push(await MsgSendsv(coid, 'hello', undefined, [r], 1));
      out.push(await MsgSendv(coid, [{ iov_base: new Uint8Array(3), iov_len: 3 }], 1, null, 0));
      return out;
    });
    expect(got).toEqual([2, 6, 4, 6, 0, 2, 3, 1, 0, 1]);
  });

  it('should open a name with the _IO_CONNECT handshake and close it with a disconnect pulse', async () => {
    const got = await program(async () => {
      const out: Array<string | number> = [];
      await spawn(async () => {
        const att = name_attach(null, 'echo', 0)!;
        const buf = new Uint8Array(64);
        for (;;) {
          const rcvid = await MsgReceive(att.chid, buf, buf.length, null);
          if (rcvid === 0) {
            const p = pulse_of(buf);
            out.push(`pulse ${p.code}`);
            if (p.code === _PULSE_CODE_DISCONNECT) { ConnectDetach(p.scoid); break; }
            continue;
          }
          if (msg_type(buf) === _IO_CONNECT) { MsgReply(rcvid, EOK, null, 0); continue; }
          MsgReply(rcvid, buf.indexOf(0), buf);
        }
        out.push(name_detach(att, 0));
      });
      const coid = await name_open('echo', 0);
      out.push(coid & _NTO_SIDE_CHANNEL ? 'side' : 'fd');
      const r = new Uint8Array(16);
      out.push(await MsgSend(coid, 'ping', undefined, r, 16), text(r));
      const info = emptyMsgInfo();
      out.push(ConnectServerInfo(0, coid, info) === coid ? 'info' : 'no');
      name_close(coid);
      await sleep(1);
      out.push(await name_open('echo', 0), errno() === ENOENT ? 'ENOENT' : errno());
      out.push(name_attach(null, '/abs', 0) === null ? `null ${errno()}` : 'attached');
      return out;
    });
    expect(got).toEqual(['side', 4, 'ping', 'info', `pulse ${_PULSE_CODE_DISCONNECT}`, 0, -1, 'ENOENT', `null ${EINVAL}`]);
  });

  it('should keep a name_detach(SAVEDPP) channel usable', async () => {
    const got = await program(async () => {
      const att = name_attach(null, 'keep', 0)!;
      const chid = att.chid;
      name_detach(att, NAME_FLAG_DETACH_SAVEDPP);
      return [ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0) > 0, att.dpp.chid === chid];
    });
    expect(got).toEqual([true, true]);
  });

  it('should deliver timer pulses in virtual time and time out with TimerTimeout', async () => {
    const got = await program(async (clock) => {
      const out: string[] = [];
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const ev: Partial<sigevent> = {};
      SIGEV_PULSE_INIT(ev, coid, -1, 5, 77);
      const id = TimerCreate(CLOCK_MONOTONIC, ev as sigevent);
      TimerSettime(id, 0, { nsec: 1e9, interval_nsec: 5e8 }, null);
      const buf = new Uint8Array(16);
      for (let i = 0; i < 3; i++) {
        await MsgReceivePulse(chid, buf, 16, null);
        out.push(`${pulse_of(buf).value.sival_int}@${clock.now()}`);
      }
      TimerDestroy(id);
      TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, null, 250_000_000n, null);
      out.push(`${await MsgReceive(chid, buf, 16, null)} ${errno() === ETIMEDOUT ? 'ETIMEDOUT' : errno()} @${clock.now()}`);
      await delay(10);
      out.push(`delay @${clock.now()}`);
      return out;
    });
    expect(got).toEqual(['77@1000', '77@1500', '77@2000', '-1 ETIMEDOUT @2250', 'delay @2260']);
  });

  it('should deliver an event back to a client with MsgDeliverEvent', async () => {
    const got = await program(async () => {
      let chid = -1;
      const server = await spawn(async () => {
        chid = ChannelCreate(0);
        const buf = new Uint8Array(32);
        const rcvid = await MsgReceive(chid, buf, 32, null);
        MsgReply(rcvid, 0, null, 0);
        await sleep(1);
        const ev: sigevent = { sigev_notify: 0 };
        SIGEV_PULSE_INIT(ev, new DataView(buf.buffer).getInt32(0, true), 12, 9, 1234);
        MsgDeliverEvent(rcvid, ev);
      });
      const mine = ChannelCreate(_NTO_CHF_PRIVATE);
      const back = ConnectAttach(0, 0, mine, _NTO_SIDE_CHANNEL, 0);
      const coid = ConnectAttach(0, server, chid, _NTO_SIDE_CHANNEL, 0);
      const req = new Uint8Array(4);
      new DataView(req.buffer).setInt32(0, back, true);
      await MsgSend(coid, req, 4, null, 0);
      const p = new Uint8Array(16);
      await MsgReceivePulse(mine, p, 16, null);
      return pulse_of(p);
    });
    expect(got).toMatchObject({ code: 9, value: { sival_int: 1234 } });
  });

  it('should set and read priorities, and manage abilities', async () => {
    const got = await program(async () => {
      const out: Array<number | string> = [getprio(0)];
      out.push(setprio(0, 20), getprio(0));
      out.push(pthread_setschedprio(pthread_self(), 300));
      out.push(setprio(0, 0), errno() === EINVAL ? 'EINVAL' : errno());
      out.push(procmgr_ability(0, PROCMGR_AID_PUBLIC_CHANNEL | PROCMGR_AOP_DENY));
      out.push(ChannelCreate(0), errno() === EPERM ? 'EPERM' : errno());
      out.push(ChannelCreate(_NTO_CHF_PRIVATE));
      return out;
    });
    expect(got).toEqual([10, 10, 20, EINVAL, -1, 'EINVAL', EOK, -1, 'EPERM', 1]);
  });

  it('should start a spawned process at its priority, and threads at their creator priority', async () => {
    const got = await program(async () => {
      const out: number[] = [];
      await spawn(async () => {
        out.push(getprio(0));
        setprio(0, 30);
        pthread_create(null, null, async () => { out.push(getprio(0)); }, null);
        await sleep(1);
      }, { priority: 20 });
      await sleep(2);
      out.push(await spawn(async () => {}, { priority: 0 }), errno());
      return out;
    });
    expect(got).toEqual([20, 30, -1, EINVAL]);
  });

  it('should send pulses and count C strings', async () => {
    expect(strlen('Async Message Passing (msgid 1)\n')).toBe(32);
    expect(strlen('é')).toBe(2);
    expect(strlen(new Uint8Array([65, 66, 0, 67]))).toBe(2);
    const got = await program(async () => {
      const chid = ChannelCreate(_NTO_CHF_PRIVATE);
      const coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
      const r = [MsgSendPulse(coid, 10, 3, 4), MsgSendPulse(coid, 0, 3, 4), errno()];
      const buf = new Uint8Array(16);
      r.push(await MsgReceive(chid, buf, 16, null), pulse_of(buf).code);
      return r;
    });
    expect(got).toEqual([0, -1, EINVAL, 0, 3]);
  });

  it('should print the errno text with perror', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    await program(async () => {
      ChannelDestroy(9);
      perror('ChannelDestroy');
    });
    expect(spy).toHaveBeenCalledWith('ChannelDestroy: Invalid argument');
    spy.mockRestore();
  });

  it('should return -1 with errno, never throw, for bad numbers to every call', async () => {
    const bad = [Number.NaN, 1.5, -7, 123456789];
    const got = await program(async () => {
      const results: Array<number | null> = [];
      const errnos: number[] = [];
      const rec = (r: number | null) => { results.push(r); errnos.push(errno()); };
      for (const x of bad) {
        rec(ChannelDestroy(x));
        rec(ConnectAttach(0, 0, x, 0, 0));
        rec(ConnectDetach(x));
        rec(await MsgSend(x, 'a', undefined, null, 0));
        rec(await MsgReceive(x, new Uint8Array(16), 16, null));
        rec(MsgReply(x, 0, null, 0));
        rec(MsgError(x, EINVAL));
        rec(MsgRead(x, new Uint8Array(1), 1, 0));
        rec(MsgWrite(x, 'a', 1, 0));
        rec(MsgInfo(x, emptyMsgInfo()));
        rec(MsgSendPulse(x, 10, 1, 1));
        rec(TimerSettime(x, 0, { nsec: 1, interval_nsec: 0 }, null));
        rec(TimerTimeout(x, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, 1, null));
      }
      return { results, errnos };
    });
    expect(new Set(got.results)).toEqual(new Set([-1]));
    expect(got.errnos.every((e) => [EINVAL, ESRCH, EBADF].includes(e))).toBe(true);
  });
});
