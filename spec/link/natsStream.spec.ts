// The NATS link's stream: numbered batches, held until acknowledged, sent again on a gap or after
// our reconnect. Two streams joined in memory (a wire that can lose publishes and hold requests),
// everything synchronous and deterministic; the real server is in natsRestart/natsRepair specs.
import { describe, expect, it } from 'vitest';
import { BATCH_HEADER, NatsStream, type StreamPort } from '../../src/link/nats/NatsStream.js';

interface End {
  readonly stream: NatsStream;
  readonly got: string[];
  readonly lost: string[];
  recovered: number;
  /** Publishes to lose on the wire, by their order from now. */
  drop: number;
  /** Publishes made (lost ones too). */
  published: number;
  /** Requests queued (answered by `flush`: expected, resendTo), and whether the peer is there to answer. */
  readonly requests: Array<[number, number]>;
  absent: boolean;
}

function pair(idA = 1, idB = 2, maxHeld = 1 << 20) {
  const ends: End[] = [];
  const make = (id: number, me: number): End => {
    const port: StreamPort = {
      publish: (data) => {
        const end = ends[me]!;
        end.published++;
        if (end.drop > 0) { end.drop--; return; }
        ends[1 - me]!.stream.receive(data.slice(), BATCH_HEADER);
      },
      request: (expected, resendTo) => { ends[me]!.requests.push([expected, resendTo]); },
      deliver: (batch, at) => { ends[me]!.got.push(new TextDecoder().decode(batch.subarray(at))); },
      lost: (reason) => { ends[me]!.lost.push(reason); },
      recovered: () => { ends[me]!.recovered++; },
    };
    return { stream: new NatsStream(port, maxHeld, id), got: [], lost: [], recovered: 0, drop: 0, published: 0, requests: [], absent: false };
  };
  ends.push(make(idA, 0), make(idB, 1));
  const [a, b] = ends as [End, End];
  // each knows the other's stream (as a verified sync reply tells it)
  a.stream.verified(idB);
  b.stream.verified(idA);
  const batch = (s: string): Uint8Array => {
    const out = new Uint8Array(BATCH_HEADER + s.length);
    out.set(new TextEncoder().encode(s), BATCH_HEADER);
    return out;
  };
  /** Answer every queued request, both ways, until none is left. */
  const flush = (): void => {
    for (let more = true; more;) {
      more = false;
      for (const [from, to] of [[a, b], [b, a]] as const) {
        for (const [expected, resendTo] of from.requests.splice(0)) {
          more = true;
          if (to.absent) { from.stream.onSyncFailed(true); continue; }
          from.stream.onReply(to.stream.answer(expected, resendTo));
        }
      }
    }
  };
  return { a, b, batch, flush };
}

describe('NatsStream', () => {
  it('should hand batches on in order, each once', () => {
    const { a, b, batch } = pair();
    for (const s of ['x', 'y', 'z']) a.stream.send(batch(s));
    expect(b.got).toEqual(['x', 'y', 'z']);
    expect(a.requests).toEqual([]);
  });

  it('should ask again for a batch lost on the wire and take it before the ones after it', () => {
    const { a, b, batch, flush } = pair();
    a.stream.send(batch('1'));
    a.drop = 1;
    a.stream.send(batch('2'));
    a.stream.send(batch('3')); // past the gap: dropped, and b asks
    expect(b.got).toEqual(['1']);
    expect(b.requests).toHaveLength(1);
    flush();
    expect(b.got).toEqual(['1', '2', '3']);
    expect(a.lost).toEqual([]);
  });

  it('should find a lost last batch at the next sync and send it again', () => {
    const { a, b, batch, flush } = pair();
    a.stream.send(batch('1'));
    a.drop = 1;
    a.stream.send(batch('2'));
    expect(b.got).toEqual(['1']);
    a.stream.sync(); // the periodic probe: b's reply says it expects 2
    flush();
    expect(b.got).toEqual(['1', '2']);
  });

  it('should let acknowledged batches go (the held bytes fall to 0)', () => {
    const { a, b, batch, flush } = pair();
    for (const s of ['a', 'b', 'c']) a.stream.send(batch(s));
    expect(a.stream.heldSize).toBe(3 * (BATCH_HEADER + 1));
    b.stream.send(batch('ack')); // a batch carries its sender's acknowledgement
    expect(a.stream.heldSize).toBe(0);
    a.stream.sync();
    flush();
    expect(a.stream.heldSize).toBe(0);
  });

  it('should hold batches while paused and send them, in order, when the peer answers after a reconnect', () => {
    const { a, b, batch, flush } = pair();
    a.stream.send(batch('before'));
    a.stream.paused = true; // our connection lost
    a.stream.send(batch('during-1'));
    a.stream.send(batch('during-2'));
    expect(b.got).toEqual(['before']);
    a.stream.resuming = true; // reconnected: sync until the peer answers
    b.absent = true; // not back yet: no responders is not final while resuming
    a.stream.sync();
    flush();
    expect(a.lost).toEqual([]);
    expect(a.recovered).toBe(0);
    b.absent = false;
    a.stream.sync();
    flush();
    expect(a.recovered).toBe(1);
    expect(b.got).toEqual(['before', 'during-1', 'during-2']);
    a.stream.send(batch('after'));
    expect(b.got.at(-1)).toBe('after');
  });

  it('should report no responders as final outside a resume', () => {
    const { a } = pair();
    expect(a.stream.onSyncFailed(true)).toBe(true);
    expect(a.stream.onSyncFailed(false)).toBe(false);
    a.stream.resuming = true;
    expect(a.stream.onSyncFailed(true)).toBe(false);
  });

  it('should end the session on a loss past repair (held bytes bounded), and go on with the next one', () => {
    const { a, b, batch, flush } = pair(1, 2, 3 * (BATCH_HEADER + 1));
    a.stream.send(batch('1'));
    a.drop = 1;
    a.stream.send(batch('2')); // lost, then let go by the bound
    for (const s of ['3', '4', '5']) a.stream.send(batch(s));
    expect(a.stream.heldSize).toBeLessThanOrEqual(3 * (BATCH_HEADER + 1));
    flush();
    expect(a.lost).toEqual([]); // the loss is b's: b's sync reply shows it a's floor
    expect(b.lost).toEqual(['sequence gap (batches lost past repair)']);
    expect(b.got).toEqual(['1']);
    a.stream.send(batch('6'));
    expect(b.got).toEqual(['1', '6']);
  });

  it('should start both directions again for a restarted peer', () => {
    const { a, b, batch } = pair();
    a.stream.send(batch('old'));
    b.stream.send(batch('old-b'));
    a.stream.restart(99); // b's process came back (a new stream id, proved by a sync reply)
    expect(a.stream.theirs).toBe(99);
    expect(a.stream.heldSize).toBe(0);
    const out = batch('new');
    a.stream.send(out);
    expect(new DataView(out.buffer).getUint32(4, true)).toBe(99); // for b's new stream
    expect(new DataView(out.buffer).getUint32(8, true)).toBe(1); // numbered from 1 again
    expect(new DataView(out.buffer).getUint32(12, true)).toBe(0); // nothing of the new b acknowledged
  });

  it('should drop a duplicate (a batch sent again that had arrived)', () => {
    const { a, b, batch, flush } = pair();
    a.stream.send(batch('1'));
    a.stream.send(batch('2'));
    // b asks for 1..2 again (as after a reply that crossed them): they are duplicates now
    b.requests.push([1, 2]);
    flush();
    expect(b.got).toEqual(['1', '2']);
  });

  it('should publish nothing before the peer\'s stream is known, then everything held, once', () => {
    const { a, b, batch } = pair();
    a.stream.restart(0); // as a stream made before any sync reply (theirs unknown)
    a.stream.send(batch('early-1'));
    a.stream.send(batch('early-2'));
    expect(b.got).toEqual([]);
    a.stream.verified(2); // a sync reply proved b's stream...
    a.stream.onReply(null); // ...and b knows no stream of a's yet: what is held goes out
    expect(b.got).toEqual(['early-1', 'early-2']);
  });

  it('should let a replayed (stale) sync request change nothing: no resend, no ack', () => {
    const { a, b, batch, flush } = pair();
    b.drop = 1;
    b.stream.send(batch('1')); // lost: a will ask for it
    b.stream.send(batch('2'));
    flush(); // a asked (expected 1, resendTo 2) and got both
    expect(a.got).toEqual(['1', '2']);
    for (const s of ['3', '4']) a.stream.send(batch(s));
    const got = b.got.length;
    b.stream.send(batch('ack')); // acknowledges 3 and 4
    expect(a.stream.heldSize).toBe(0);
    const published = b.published;
    // a's request of a moment ago, replayed: it asks for 1..3 as if a had not acknowledged 2 since
    expect(b.stream.answer(1, 3)).toEqual({ expected: 3, floor: 3, sentUpTo: 3 });
    expect(b.published).toBe(published); // batch 3, still held, not sent again
    expect(a.got).toEqual(['1', '2', 'ack']);
    expect(b.got.length).toBe(got);
  });

  it('should refuse acknowledgements of batches never sent (malformed)', () => {
    const { a, batch } = pair();
    a.stream.send(batch('1'));
    expect(a.stream.answer(5, 0)).toBeNull();
    const forged = batch('x');
    new DataView(forged.buffer).setUint32(8, 1, true); // seq 1
    new DataView(forged.buffer).setUint32(12, 9, true); // acknowledges a's batch 9
    expect(a.stream.receive(forged, BATCH_HEADER)).toBe('malformed');
    expect(a.stream.heldSize).toBe(BATCH_HEADER + 1);
  });
});
