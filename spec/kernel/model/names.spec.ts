// qnx-model.md §13.6: names (name_attach / name_open and the _IO_CONNECT handshake).
import { describe, expect, it } from 'vitest';
import { ERRNO, _IO_CONNECT, _NTO_SIDE_CHANNEL, _PULSE_CODE_DISCONNECT } from '../../../src/kernel/index.js';
import { codeOf, readPulse, receive, recorder, send, world } from '../helpers.js';

const typeOf = (b: Uint8Array) => b[0]! | (b[1]! << 8);

describe('§13.6 names', () => {
  it('13.6.70 should register /dev/name/local/svc and open it through an _IO_CONNECT accepted with EOK', () => {
    const { kernel, server, client } = world();
    const att = kernel.nameAttach(server, 'svc', 0);
    expect(att.path).toBe('/dev/name/local/svc');
    const r = receive(kernel, server, att.chid);
    const open = recorder();
    kernel.nameOpen(client, 'svc', 0, open);
    expect(typeOf(r.buf)).toBe(_IO_CONNECT);
    expect(open.called).toBe(false);
    kernel.msgReply(server, r.done.value!, ERRNO.EOK, null, 0);
    expect(open.err).toBe(0);
    expect(open.value! & _NTO_SIDE_CHANNEL).toBe(_NTO_SIDE_CHANNEL);
    const s = send(kernel, client, open.value!, 'hello');
    const m = receive(kernel, server, att.chid);
    kernel.msgReply(server, m.done.value!, 1);
    expect(s.done.calls).toEqual([[0, 1]]);
  });

  it('13.6.71 should fail name_open with the error the server gives _IO_CONNECT', () => {
    const { kernel, server, client } = world();
    const att = kernel.nameAttach(server, 'svc', 0);
    const r = receive(kernel, server, att.chid);
    const open = recorder();
    kernel.nameOpen(client, 'svc', 0, open);
    kernel.msgError(server, r.done.value!, ERRNO.EACCES);
    expect(open.calls).toEqual([[ERRNO.EACCES, 0]]);
    expect(client.process.coids.size).toBe(1); // the failed open left no coid behind
  });

  it('13.6.72 should refuse empty, absolute and ".." names with EINVAL', () => {
    const { kernel, server, client } = world();
    for (const bad of ['', '/abs', 'a/../b']) expect(codeOf(() => kernel.nameAttach(server, bad, 0))).toBe('EINVAL');
    for (const bad of ['', '/abs']) expect(codeOf(() => kernel.nameOpen(client, bad, 0, () => {}))).toBe('EINVAL');
    expect(codeOf(() => kernel.nameOpen(client, 'nobody', 0, () => {}))).toBe('ENOENT');
    kernel.nameAttach(server, 'dup', 0);
    expect(codeOf(() => kernel.nameAttach(server, 'dup', 0))).toBe('EEXIST');
  });

  it('13.6.73 should make name_close a plain detach: a disconnect pulse, no _IO_CLOSE', () => {
    const { kernel, server, client } = world();
    const att = kernel.nameAttach(server, 'svc', 0);
    const open = recorder();
    kernel.nameOpen(client, 'svc', 0, open);
    kernel.msgReply(server, receive(kernel, server, att.chid).done.value!, 0);
    const r = receive(kernel, server, att.chid);
    kernel.connectDetach(client, open.value!);
    expect(r.done.value).toBe(0);
    expect(readPulse(r.buf).code).toBe(_PULSE_CODE_DISCONNECT);
    expect(receive(kernel, server, att.chid).done.called).toBe(false);
  });

  it('13.6.74 should destroy the channel on name_detach (clients get ESRCH), unless SAVEDPP', () => {
    const { kernel, server, client, serverP } = world();
    const att = kernel.nameAttach(server, 'svc', 0);
    const coid = kernel.connectAttach(client, 0, serverP.pid, att.chid, _NTO_SIDE_CHANNEL, 0);
    const s = send(kernel, client, coid, 'x');
    kernel.nameDetach(server, att.mntid);
    expect(s.done.calls).toEqual([[ERRNO.ESRCH, 0]]);
    const att2 = kernel.nameAttach(server, 'svc2', 0);
    kernel.nameDetach(server, att2.mntid, true);
    expect(serverP.channels.has(att2.chid)).toBe(true);
    expect(codeOf(() => kernel.nameOpen(client, 'svc2', 0, () => {}))).toBe('ENOENT');
  });
});
