/// <reference lib="dom" />
/**
 * Channels of every node: the receive queue (RECEIVE-blocked threads, next first), the send queue
 * in the order it will be received (priority, then FIFO), the reply set; asynchronous channels
 * with each sender's ring fill (fill / ringSize − 1), pending puts and trigger settings.
 * @packageDocumentation
 */
import type { AsyncChannelRow, ChannelRow, ChannelsData, ViewAnswer } from '../protocol.js';
import { h, replace } from './dom.js';
import type { View } from './view.js';

/** Rows drawn per table at most (a very large system is listed in part, and says so). */
const MAX_ROWS = 400;

function queue(label: string, items: readonly string[]): HTMLElement {
  if (items.length === 0) return h('span', { class: 'empty' }, '—');
  return h('ol', { role: 'list', 'aria-label': label, class: 'queue' }, ...items.map((s) => h('li', {}, s)));
}

function channelRow(node: string, c: ChannelRow): HTMLTableRowElement {
  return h('tr', { 'data-node': node, 'data-chid': c.chid },
    h('td', {}, node),
    h('th', { scope: 'row' }, `${c.process} (pid ${c.pid})`),
    h('td', {}, String(c.chid)),
    h('td', {}, `0x${c.flags.toString(16)}`),
    h('td', {}, queue('Receive queue', c.receivers.map((t) => `tid ${t}`))),
    h('td', {}, queue('Send queue', c.sendQueue)),
    h('td', {}, queue('Reply set', c.replySet.map((r) => `rcvid ${r}`))));
}

/** `fill / (ringSize − 1)` as a fraction of the ring's usable slots. */
export function ringFill(fill: number, ringSize: number): number {
  const usable = Math.max(1, ringSize - 1);
  return Math.min(1, Math.max(0, fill / usable));
}

function asyncRows(node: string, a: AsyncChannelRow): HTMLTableRowElement[] {
  const head = (span: number): HTMLElement[] => [
    h('td', { rowspan: span }, node),
    h('th', { scope: 'row', rowspan: span }, `${a.process} (pid ${a.pid})`),
    h('td', { rowspan: span }, String(a.chid)),
    h('td', { rowspan: span }, String(a.visible)),
  ];
  if (a.connections.length === 0) return [h('tr', {}, ...head(1), h('td', { colspan: 4, class: 'empty' }, 'no senders'))];
  return a.connections.map((c, i) => {
    const usable = Math.max(1, c.ringSize - 1);
    return h('tr', { 'data-node': node, 'data-chid': a.chid },
      ...(i === 0 ? head(a.connections.length) : []),
      h('td', {}, `pid ${c.pid} coid ${c.coid}`),
      h('td', {},
        h('meter', { min: 0, max: usable, value: c.fill, 'aria-label': `ring fill ${c.fill} of ${usable}` }),
        ` ${c.fill} / ${usable} (${Math.round(ringFill(c.fill, c.ringSize) * 100)} %)`),
      h('td', {}, String(c.pending)),
      h('td', {}, `count ${c.triggerCount}, time ${c.triggerTimeMs} ms`));
  });
}

export class ChannelsView implements View {
  readonly id = 'channels';
  readonly title = 'Channels';
  readonly api = 'channels' as const;
  readonly streams = ['channels'];
  readonly element: HTMLElement;
  private readonly sync: HTMLTableSectionElement;
  private readonly async: HTMLTableSectionElement;
  private readonly notes: HTMLElement;

  constructor() {
    this.sync = h('tbody');
    this.async = h('tbody');
    this.notes = h('ul', { role: 'list', 'aria-label': 'Notes', class: 'failed' });
    const th = (s: string): HTMLElement => h('th', { scope: 'col' }, s);
    this.element = h('section', { 'aria-label': 'Channels' },
      h('table', { 'aria-label': 'Channels', class: 'grid' },
        h('thead', {}, h('tr', {}, th('Node'), th('Process'), th('chid'), th('Flags'), th('Receive queue'), th('Send queue'), th('Reply set'))),
        this.sync),
      h('h3', {}, 'Asynchronous channels'),
      h('table', { 'aria-label': 'Asynchronous channels', class: 'grid' },
        h('thead', {}, h('tr', {}, th('Node'), th('Process'), th('chid'), th('Visible'), th('Sender'), th('Ring fill'), th('Pending'), th('Triggers'))),
        this.async),
      this.notes);
  }

  render(answer: ViewAnswer<unknown>): void {
    const sync: HTMLTableRowElement[] = [];
    const async: HTMLTableRowElement[] = [];
    const notes: HTMLElement[] = [];
    let more = 0;
    for (const r of answer.nodes) {
      if (!r.ok) {
        notes.push(h('li', { 'data-node': r.node }, `${r.node} did not answer: ${r.error}`));
        continue;
      }
      const data = r.data as ChannelsData;
      for (const c of data.channels) {
        if (sync.length < MAX_ROWS) sync.push(channelRow(r.node, c));
        else more++;
      }
      for (const a of data.asyncChannels) {
        if (async.length < MAX_ROWS) async.push(...asyncRows(r.node, a));
        else more++;
      }
    }
    if (more > 0) notes.push(h('li', {}, `${more} more channels not drawn`));
    replace(this.sync, ...sync);
    replace(this.async, ...async);
    replace(this.notes, ...notes);
  }
}
