/// <reference lib="dom" />
/**
 * Draws the timeline on a canvas 2D: a time axis, a lane per thread (its label in a gutter, its
 * state segments in colour), arrows send → receive and reply → client, marks for pulses, async
 * batches, errors, unblocks and deaths, a line where a node went up or down. Only what is in
 * sight is drawn (segments found by binary search).
 * @packageDocumentation
 */
import type { Lane, Mark, TimelineModel } from './timelineModel.js';

export const GUTTER = 190;
export const AXIS = 22;
export const LANE = 18;

export const STATE_COLOURS: Readonly<Record<string, string>> = {
  SEND: '#f0ad4e', REPLY: '#d9534f', RUNNING: '#5cb85c', RECEIVE: '#8fb8de', CONDVAR: '#9b7fd4', NANOSLEEP: '#bbbbbb',
};
const ARROWS: Readonly<Record<string, string>> = { send: '#1f5fa8', reply: '#2e7d32', error: '#c62828' };

/** What part of the timeline is in sight. */
export interface Viewport {
  /** Time (ms) at the right edge. */
  end: number;
  /** Milliseconds per CSS pixel. */
  msPerPx: number;
  /** Index of the first lane in sight. */
  laneTop: number;
}

/** First index whose `key(i)` is ≥ `t` in an array sorted (nearly) by it. */
function lowerBound(n: number, key: (i: number) => number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A "nice" tick step (1, 2, 5 × 10^k ms) at least `min` ms. */
function tickStep(min: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(min, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * p >= min) return m * p;
  return 10 * p;
}

export function drawTimeline(ctx: CanvasRenderingContext2D, width: number, height: number, model: TimelineModel, view: Viewport, label: (lane: Lane) => string): void {
  const t1 = view.end;
  const t0 = t1 - (width - GUTTER) * view.msPerPx;
  const x = (t: number): number => GUTTER + (t - t0) / view.msPerPx;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  // axis
  const step = tickStep(80 * view.msPerPx);
  ctx.fillStyle = '#555';
  ctx.strokeStyle = '#e4e4e4';
  ctx.lineWidth = 1;
  // ticks counted from the first event seen (the node's clock may read anything)
  const origin = Number.isNaN(model.origin) ? 0 : model.origin;
  for (let r = Math.ceil((t0 - origin) / step) * step; r <= t1 - origin; r += step) {
    const px = Math.round(x(origin + r)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, AXIS - 4);
    ctx.lineTo(px, height);
    ctx.stroke();
    const digits = step >= 1000 ? (step >= 10_000 ? 0 : 1) : step >= 1 ? 0 : 3;
    ctx.fillText(step >= 1000 ? `${(r / 1000).toFixed(digits)} s` : `${r.toFixed(digits)} ms`, px + 3, AXIS / 2);
  }
  const lanes = model.laneOrder();
  const visible = Math.max(0, Math.floor((height - AXIS) / LANE));
  const first = Math.min(view.laneTop, Math.max(0, lanes.length - 1));
  const rows = new Map<string, number>();
  for (let i = 0; i < visible && first + i < lanes.length; i++) rows.set(lanes[first + i]!.key, AXIS + i * LANE);
  // segments: those that fall in the same pixels as the previous one of their colour are merged
  for (const [key, y] of rows) {
    const lane = model.lanes.get(key)!;
    const segs = lane.segments;
    ctx.fillStyle = '#f1f3f5';
    ctx.fillRect(GUTTER, y + LANE / 2 - 1, width - GUTTER, 2);
    let run: { colour: string; a: number; b: number } | null = null;
    // the rightmost pixel painted: a segment inside it is already shown (one fill per pixel at most)
    let covered = -Infinity;
    const flush = (): void => {
      if (run === null) return;
      ctx.fillStyle = run.colour;
      ctx.fillRect(run.a, y + 3, Math.max(1.5, run.b - run.a), LANE - 6);
      run = null;
    };
    for (let i = lowerBound(segs.length, (j) => segs[j]!.end, t0); i < segs.length; i++) {
      const s = segs[i]!;
      if (s.start > t1) break;
      const colour = STATE_COLOURS[s.state];
      if (colour === undefined) continue;
      const b = Math.min(width, s.end === Infinity ? x(model.last) : x(s.end));
      if (b <= covered) continue;
      const a = Math.max(GUTTER, x(s.start), covered);
      if (run !== null && run.colour === colour && a <= run.b + 1) run.b = Math.max(run.b, b);
      else {
        flush();
        run = { colour, a, b };
      }
      covered = Math.max(covered, Math.floor(a) + 1, b);
    }
    flush();
  }
  // arrows (pushed in the order of their ends): one path per kind, one arrow per pixel and lanes,
  // heads only while they are few enough to be told apart
  const arrows = model.arrows;
  const paths = new Map<string, { x1: number; y1: number; x2: number; y2: number }[]>();
  // per kind and pair of rows, the last arrow's pixels (arrows come in the order of their ends)
  const last = new Map<string, Map<number, number>>();
  let count = 0;
  for (let i = lowerBound(arrows.length, (j) => arrows[j]!.t1, t0); i < arrows.length; i++) {
    const a = arrows[i]!;
    if (a.t1 > t1 + 60_000) break;
    if (a.t0 > t1) continue;
    const ya = rows.get(a.from);
    const yb = rows.get(a.to);
    if (ya === undefined || yb === undefined) continue;
    const x1 = Math.round(x(a.t0));
    const x2 = Math.round(x(a.t1));
    let seen = last.get(a.kind);
    if (seen === undefined) last.set(a.kind, (seen = new Map()));
    const pair = ya * 65_536 + yb;
    const px = x1 * 65_536 + x2;
    if (seen.get(pair) === px) continue;
    seen.set(pair, px);
    count++;
    let list = paths.get(a.kind);
    if (list === undefined) paths.set(a.kind, (list = []));
    list.push({ x1, y1: ya + LANE / 2, x2, y2: yb + LANE / 2 });
  }
  ctx.lineWidth = 1.2;
  const heads = count <= 400;
  for (const [kind, list] of paths) {
    const colour = ARROWS[kind] ?? '#333';
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (const l of list) {
      ctx.moveTo(l.x1, l.y1);
      ctx.lineTo(l.x2, l.y2);
    }
    ctx.stroke();
    if (!heads) continue;
    ctx.beginPath();
    for (const l of list) head(ctx, l.x1, l.y1, l.x2, l.y2);
    ctx.fill();
  }
  // marks: one per pixel, lane and kind
  const marks = model.marks;
  const marked = new Set<string>();
  for (let i = lowerBound(marks.length, (j) => marks[j]!.t, t0); i < marks.length; i++) {
    const m = marks[i]!;
    if (m.t > t1) break;
    const y = m.lane === '' ? undefined : rows.get(m.lane);
    if (m.lane !== '' && y === undefined) continue;
    const px = Math.round(x(m.t));
    const key = `${px}|${m.lane}|${m.kind}`;
    if (marked.has(key)) continue;
    marked.add(key);
    drawMark(ctx, m, px, y, height);
  }
  // gutter and labels on top
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, GUTTER - 4, height);
  ctx.fillStyle = '#222';
  for (const [key, y] of rows) {
    const text = label(model.lanes.get(key)!);
    ctx.fillText(text.length > 30 ? `${text.slice(0, 29)}…` : text, 6, y + LANE / 2);
  }
}

/** An arrowhead at (x2, y2) pointing from (x1, y1), added to the current path. */
function head(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - 6 * Math.cos(angle - 0.4), y2 - 6 * Math.sin(angle - 0.4));
  ctx.lineTo(x2 - 6 * Math.cos(angle + 0.4), y2 - 6 * Math.sin(angle + 0.4));
  ctx.closePath();
}

function drawMark(ctx: CanvasRenderingContext2D, m: Mark, px: number, y: number | undefined, height: number): void {
  if (m.lane === '') {
    ctx.strokeStyle = m.text.endsWith('down') ? '#c62828' : '#2e7d32';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(px, AXIS);
    ctx.lineTo(px, height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(m.text, px + 3, AXIS + 6);
    return;
  }
  if (y === undefined) return;
  const cy = y + LANE / 2;
  if (m.kind === 'async') {
    ctx.fillStyle = '#6a1b9a';
    ctx.fillRect(px - 3, cy - 3, 6, 6);
  } else if (m.kind === 'pulse') {
    ctx.fillStyle = '#00838f';
    ctx.beginPath();
    ctx.moveTo(px, cy - 5);
    ctx.lineTo(px + 4, cy);
    ctx.lineTo(px, cy + 5);
    ctx.lineTo(px - 4, cy);
    ctx.fill();
  } else {
    ctx.fillStyle = m.kind === 'error' || m.kind === 'drop' ? '#c62828' : '#333';
    ctx.fillText(m.text, px - 3, cy);
  }
}
