import { describe, expect, it } from 'vitest';
import { receive, send, world, dec } from './helpers.js';

describe('Kernel', () => {
  it('should complete a send → receive → reply round trip', () => {
    const { kernel, server, client, chid, coid } = world();
    const r = receive(kernel, server, chid);
    expect(r.done.called).toBe(false);
    const s = send(kernel, client, coid, 'hello');
    expect(r.done.err).toBe(0);
    expect(r.done.value).toBeGreaterThan(0);
    expect(dec(r.buf, r.info.msglen)).toBe('hello');
    expect(s.done.called).toBe(false);
    kernel.msgReply(server, r.done.value!, 42, new TextEncoder().encode('world'));
    expect(s.done.calls).toEqual([[0, 42]]);
    expect(dec(s.reply, 5)).toBe('world');
  });
});
