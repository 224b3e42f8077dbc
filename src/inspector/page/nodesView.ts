/// <reference lib="dom" />
/**
 * Nodes: the inspected node and each peer with its state (up / suspect / connecting / down) and
 * why, and the link's figures: heartbeat round trip, missed beats, the send window in use, drops
 * by reason. Nodes that did not answer are listed with their reason.
 * @packageDocumentation
 */
import type { NodeRow, NodesData, ViewAnswer } from '../protocol.js';
import { h, replace } from './dom.js';
import type { View } from './view.js';

const COLUMNS = ['Node', 'nd', 'State', 'Reason', 'Incarnation', 'Round trip', 'Missed beats', 'Window in use', 'Drops'] as const;

/** `malformed 2, replayed 1`, or `none`. */
export function formatDrops(drops: Readonly<Record<string, number>>): string {
  const parts = Object.entries(drops).filter(([, n]) => n > 0).map(([why, n]) => `${why} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function row(n: NodeRow, self: boolean): HTMLTableRowElement {
  const state = self ? 'self' : n.state;
  return h('tr', { 'data-node': n.node, 'data-state': state },
    h('th', { scope: 'row' }, n.node),
    h('td', {}, String(n.nd)),
    h('td', {}, h('span', { class: `state state-${state}` }, state)),
    h('td', {}, n.reason),
    h('td', {}, String(n.incarnation)),
    h('td', {}, n.rttMs === null ? '—' : `${n.rttMs.toFixed(1)} ms`),
    h('td', {}, String(n.missedBeats)),
    h('td', {}, `${n.inFlight} / ${n.window}`),
    h('td', {}, formatDrops(n.drops)));
}

export class NodesView implements View {
  readonly id = 'nodes';
  readonly title = 'Nodes';
  readonly api = 'nodes' as const;
  readonly streams = ['nodes'];
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly failed: HTMLElement;

  constructor() {
    this.body = h('tbody');
    this.failed = h('ul', { role: 'list', 'aria-label': 'Nodes that did not answer', class: 'failed' });
    this.element = h('section', { 'aria-label': 'Nodes' },
      h('table', { 'aria-label': 'Nodes', class: 'grid' },
        h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
        this.body),
      h('h3', {}, 'Did not answer'),
      this.failed);
  }

  render(answer: ViewAnswer<unknown>): void {
    const rows: HTMLTableRowElement[] = [];
    const failed: HTMLElement[] = [];
    for (const r of answer.nodes) {
      if (!r.ok) {
        failed.push(h('li', { 'data-node': r.node }, `${r.node}: ${r.error}`));
        continue;
      }
      const data = r.data as NodesData;
      if (!data.peers.some((p) => p.node === data.self)) {
        rows.push(row({ node: data.self, nd: 0, state: 'self', reason: '', incarnation: 0, rttMs: null, missedBeats: 0, inFlight: 0, window: 0, drops: {} }, true));
      }
      for (const p of data.peers) rows.push(row(p, p.node === data.self || p.state === 'self'));
    }
    replace(this.body, ...rows);
    replace(this.failed, ...(failed.length === 0 ? [h('li', { class: 'none' }, 'every node answered')] : failed));
  }
}
