/// <reference lib="dom" />
/**
 * Processes and threads (pidin) of every node: sortable by a click on a column header, filtered by
 * a text box; state, blocked-on and time in state (now − since). The rows are a virtual list:
 * at 10,000 threads the DOM holds only those in sight (and an overscan), and the rows themselves
 * stay in a worker (pidinSource.ts), which sends those in sight.
 * @packageDocumentation
 */
import { duration, h, replace } from './dom.js';
import type { NodeClock } from './nodeClock.js';
import type { PidinRow, SortDir, SortKey } from './pidinRows.js';
import type { RowsMeta, RowsSource } from './pidinSource.js';
import { VirtualList } from './virtualList.js';
import type { View } from './view.js';

const COLUMNS: readonly { key: SortKey; title: string }[] = [
  { key: 'node', title: 'Node' },
  { key: 'pid', title: 'Pid' },
  { key: 'tid', title: 'Tid' },
  { key: 'name', title: 'Name' },
  { key: 'priority', title: 'Prio' },
  { key: 'state', title: 'State' },
  { key: 'blocked', title: 'Blocked on' },
  { key: 'time', title: 'Time in state' },
];
export const ROW_HEIGHT = 24;
/** Rows asked for beyond those in sight, each way (scrolling a little needs no new request). */
const AHEAD = 60;

export class PidinView implements View {
  readonly id = 'pidin';
  readonly title = 'Processes and threads';
  readonly api = 'pidin' as const;
  readonly streams = ['pidin'];
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly list: VirtualList<PidinRow>;
  private readonly headers: HTMLElement[] = [];
  private readonly count: HTMLElement;
  private readonly failed: HTMLElement;
  private sortKey: SortKey = 'time';
  private sortDir: SortDir = 'descending';
  private filter = '';
  private filterTimer: ReturnType<typeof setTimeout> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** The shown rows' version, and the rows at hand of it (a window around those in sight). */
  private version = 0;
  private rows = new Map<number, PidinRow>();
  private asking: { version: number; first: number; last: number } | null = null;

  constructor(private readonly clock: NodeClock, private readonly source: RowsSource) {
    const input = h('input', { type: 'search', placeholder: 'filter: name, state, pid, node…', 'aria-label': 'Filter threads' });
    input.addEventListener('input', () => {
      if (this.filterTimer !== null) clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => {
        this.filterTimer = null;
        this.filter = input.value;
        void this.review();
      }, 80);
    });
    this.count = h('span', { class: 'count', role: 'status' });
    this.failed = h('ul', { role: 'list', 'aria-label': 'Nodes that did not answer', class: 'failed' });
    const headRow = h('div', { role: 'row', class: 'pidin-row head', 'aria-rowindex': 1 });
    for (const c of COLUMNS) {
      const button = h('button', { type: 'button' }, c.title);
      const cell = h('div', { role: 'columnheader', 'aria-sort': 'none', 'data-key': c.key }, button);
      button.addEventListener('click', () => this.sortBy(c.key));
      this.headers.push(cell);
      headRow.append(cell);
    }
    this.list = new VirtualList<PidinRow>({
      rowHeight: ROW_HEIGHT,
      overscan: 5,
      headerRows: 1,
      createRow: () => h('div', { role: 'row', class: 'pidin-row' }, ...COLUMNS.map(() => h('div', { role: 'gridcell' }))),
      fillRow: (row, r) => this.fill(row, r),
      missing: (first, last) => this.ask(first, last),
    });
    this.grid = h('div', { role: 'grid', 'aria-label': 'Threads', 'aria-colcount': COLUMNS.length, 'aria-rowcount': 1, class: 'pidin' },
      h('div', { role: 'rowgroup', class: 'pidin-head' }, headRow), this.list.element);
    this.element = h('section', { 'aria-label': 'Processes and threads', class: 'pidin-view' },
      h('div', { class: 'toolbar' }, input, this.count), this.grid, this.failed);
    this.markSort();
  }

  /** Fetch the threads (in the worker); the node's time of the answer. */
  async load(): Promise<number> {
    const meta = await this.source.load();
    this.show(meta, false);
    return meta.time;
  }

  render(): void {}

  shown(): void {
    this.list.refresh();
    this.ticker ??= setInterval(() => this.list.refresh(), 1000);
  }

  hidden(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  private sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortDir = this.sortDir === 'ascending' ? 'descending' : 'ascending';
    else {
      this.sortKey = key;
      this.sortDir = 'ascending';
    }
    this.markSort();
    void this.review();
  }

  private markSort(): void {
    for (const cell of this.headers) cell.setAttribute('aria-sort', cell.dataset['key'] === this.sortKey ? this.sortDir : 'none');
  }

  /** The filter or the sort changed: the first rows of the new order. */
  private async review(): Promise<void> {
    const meta = await this.source.view(this.filter, this.sortKey, this.sortDir);
    this.show(meta, true);
  }

  private show(meta: RowsMeta, fromTop: boolean): void {
    if (meta.version <= this.version) return;
    this.version = meta.version;
    // the rows at hand are of the old version: kept on screen (marked stale) until the new ones come
    this.rows = new Map();
    this.asking = null;
    if (fromTop) this.list.scrollToTop();
    this.grid.setAttribute('aria-rowcount', String(meta.shown + 1));
    this.count.textContent = meta.shown === meta.total ? `${meta.total} threads` : `${meta.shown} of ${meta.total} threads`;
    replace(this.failed, ...meta.failed.map((f) => h('li', { 'data-node': f.node }, `${f.node} did not answer: ${f.error}`)));
    this.list.setItems(meta.shown, (i) => this.rows.get(i));
  }

  /** Ask the source for the rows around `first`..`last` (one request at a time per version). */
  private ask(first: number, last: number): void {
    const a = this.asking;
    if (a !== null && a.version === this.version && a.first <= first && a.last >= last) return;
    const want = { version: this.version, first: Math.max(0, first - AHEAD), last: last + AHEAD };
    this.asking = want;
    void this.source.slice(want.first, want.last).then((s) => {
      if (s.version !== this.version) return;
      const rows = new Map<number, PidinRow>();
      s.rows.forEach((r, i) => rows.set(s.first + i, r));
      this.rows = rows;
      this.list.refresh();
    }, () => { this.asking = null; });
  }

  private fill(row: HTMLElement, r: PidinRow | undefined): void {
    if (r === undefined) {
      row.classList.add('stale');
      return;
    }
    row.classList.remove('stale');
    const cells = row.children;
    const text = [
      r.node, String(r.pid), String(r.tid), r.name, String(r.priority), r.state,
      r.remoteNode === undefined ? r.blocked : `${r.blocked} (client on ${r.remoteNode})`,
      duration(this.clock.now() - r.since),
    ];
    for (let i = 0; i < text.length; i++) {
      const cell = cells[i]!;
      if (cell.textContent !== text[i]) cell.textContent = text[i]!;
    }
    if (row.dataset['state'] !== r.state) row.dataset['state'] = r.state;
  }
}
