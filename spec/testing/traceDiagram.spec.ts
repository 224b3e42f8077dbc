import { describe, expect, it } from 'vitest';
import { traceDiagram } from '../../src/testing/index.js';
import type { TraceEvent } from '../../src/kernel/index.js';

const ev = (time: number, pid: number, kind: TraceEvent['kind']): TraceEvent => ({ time, pid, tid: 1, kind, detail: {} });

describe('traceDiagram', () => {
  it('should draw one row per process with aligned frames and groups', () => {
    const events = [ev(0, 2, 'receive'), ev(100, 1, 'send'), ev(120, 2, 'receive'), ev(130, 2, 'reply'), ev(300, 1, 'death'), ev(300, 1, 'state')];
    // frame 1 holds a group on the server's row: the client's row is padded to keep columns aligned
    expect(traceDiagram(events, { label: (p) => (p === 1 ? 'client' : 'server') })).toBe('client  -s----d\nserver  r(rR)--');
  });

  it('should be empty without drawable events', () => {
    expect(traceDiagram([ev(0, 1, 'state')])).toBe('');
  });
});
