// A Jepsen-style checker for durable asyncmsg (issue 25): every acknowledged put (the log stored
// it) is classified by what the app committed: delivered once and in order ('ok'), 'duplicate',
// 'lost-prefix' / 'lost-middle' / 'lost-postfix' (missing before, between or after what arrived),
// 'reordered', or resolved without the app by a report its sender got ('dead', 'expired').

/** One put the log acknowledged (stored), per connection incarnation. */
export interface AckedPut {
  readonly stream: string; // `<producer>:<epoch>`
  readonly seq: number;
}

export type Verdict = 'ok' | 'duplicate' | 'lost-prefix' | 'lost-middle' | 'lost-postfix' | 'reordered' | 'dead' | 'expired';

export interface Classified {
  readonly verdicts: Map<string, Verdict>;
  readonly counts: Record<Verdict, number>;
}

/**
 * Classify every acknowledged put against the app's committed messages (`stream`, `seq`, in
 * commit order). `resolved` maps ids (`<stream>:<seq>`) the app may legitimately miss to their
 * report ('dead', 'expired').
 */
export function classify(acked: readonly AckedPut[], committed: readonly AckedPut[], resolved: ReadonlyMap<string, 'dead' | 'expired'>): Classified {
  const seen = new Map<string, number[]>(); // id → positions in the commit order
  const order = new Map<string, number[]>(); // stream → seqs in commit order
  committed.forEach((c, i) => {
    const id = `${c.stream}:${c.seq}`;
    (seen.get(id) ?? seen.set(id, []).get(id)!).push(i);
    (order.get(c.stream) ?? order.set(c.stream, []).get(c.stream)!).push(c.seq);
  });
  const verdicts = new Map<string, Verdict>();
  const counts: Record<Verdict, number> = { ok: 0, duplicate: 0, 'lost-prefix': 0, 'lost-middle': 0, 'lost-postfix': 0, reordered: 0, dead: 0, expired: 0 };
  for (const p of acked) {
    const id = `${p.stream}:${p.seq}`;
    const at = seen.get(id);
    const seqs = order.get(p.stream) ?? [];
    let v: Verdict;
    if (at === undefined) {
      const r = resolved.get(id);
      if (r !== undefined) v = r;
      else if (seqs.length === 0 || seqs.every((s) => s > p.seq)) v = 'lost-prefix';
      else if (seqs.every((s) => s < p.seq)) v = 'lost-postfix';
      else v = 'lost-middle';
    } else if (at.length > 1) {
      v = 'duplicate';
    } else {
      const i = seqs.indexOf(p.seq);
      v = (i > 0 && seqs[i - 1]! >= p.seq) || (i < seqs.length - 1 && seqs[i + 1]! <= p.seq) ? 'reordered' : 'ok';
    }
    verdicts.set(id, v);
    counts[v]++;
  }
  return { verdicts, counts };
}
