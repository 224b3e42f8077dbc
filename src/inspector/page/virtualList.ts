/// <reference lib="dom" />
/**
 * A virtual list: a scrolling viewport whose spacer has the height of every row, and in it only
 * the rows in sight plus an overscan, absolutely placed at a fixed row height and reused. At
 * 10,000 rows the DOM holds a few dozen. The items may live elsewhere (a worker): `at(i)` gives
 * those at hand, and `missing(first, last)` asks for the rest, shown when {@link VirtualList.refresh} is called.
 * @packageDocumentation
 */
import { h } from './dom.js';

export interface VirtualListOptions<T> {
  /** Pixels per row (fixed). */
  readonly rowHeight: number;
  /** Rows rendered above and below the visible ones. */
  readonly overscan: number;
  /** Make an empty row element (role=row with its cells). */
  readonly createRow: () => HTMLElement;
  /** Fill a row element with an item (`index` into the items), or with a placeholder (`item` undefined). */
  readonly fillRow: (row: HTMLElement, item: T | undefined, index: number) => void;
  /** Items `first` to `last` (excluded) are in sight and not at hand. */
  readonly missing?: (first: number, last: number) => void;
  /** Rows before the first item in the grid (its header rows), for `aria-rowindex`. */
  readonly headerRows?: number;
}

export class VirtualList<T> {
  /** The scrolling viewport (role=rowgroup). */
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private count = 0;
  private at: (i: number) => T | undefined = () => undefined;
  private frame = 0;
  /** The viewport's scroll position and height, as last reported: never read in a render (no forced layout). */
  private top = 0;
  private height = 0;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.spacer = h('div', { class: 'vl-spacer' });
    this.element = h('div', { class: 'vl-viewport', role: 'rowgroup', tabindex: 0 }, this.spacer);
    this.element.addEventListener('scroll', () => {
      this.top = this.element.scrollTop;
      this.schedule();
    }, { passive: true });
    new ResizeObserver((entries) => {
      const e = entries[entries.length - 1];
      if (e === undefined || e.contentRect.height === this.height) return;
      this.height = e.contentRect.height;
      this.schedule();
    }).observe(this.element);
  }

  /** Scroll back to the first row. */
  scrollToTop(): void {
    this.element.scrollTop = 0;
    this.top = 0;
  }

  /** Show `items`, or `count` items found by `at` (the scroll position is kept, clamped). */
  setItems(items: readonly T[]): void;
  setItems(count: number, at: (i: number) => T | undefined): void;
  setItems(items: readonly T[] | number, at?: (i: number) => T | undefined): void {
    if (typeof items === 'number') {
      this.count = items;
      this.at = at!;
    } else {
      this.count = items.length;
      this.at = (i) => items[i];
    }
    const height = `${this.count * this.options.rowHeight}px`;
    if (this.spacer.style.height !== height) this.spacer.style.height = height;
    this.render();
  }

  /** Fill the rows in sight again (their items arrived, or changed in place). */
  refresh(): void {
    this.render();
  }

  /** The indexes in sight, overscan included: `[first, last)`. */
  window(): [number, number] {
    const { rowHeight, overscan } = this.options;
    const height = this.height || rowHeight * 24;
    const top = Math.min(this.top, Math.max(0, this.count * rowHeight - height));
    const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
    const last = Math.min(this.count, Math.ceil((top + height) / rowHeight) + overscan);
    return [first, Math.max(first, last)];
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const [first, last] = this.window();
    const count = last - first;
    while (this.pool.length < count) {
      const row = this.options.createRow();
      row.style.position = 'absolute';
      row.style.height = `${this.options.rowHeight}px`;
      this.pool.push(row);
      this.spacer.append(row);
    }
    while (this.pool.length > count) this.pool.pop()!.remove();
    const header = this.options.headerRows ?? 0;
    let missFirst = -1;
    let missLast = -1;
    for (let i = 0; i < count; i++) {
      const row = this.pool[i]!;
      const index = first + i;
      const transform = `translateY(${index * this.options.rowHeight}px)`;
      if (row.style.transform !== transform) row.style.transform = transform;
      row.setAttribute('aria-rowindex', String(index + 1 + header));
      const item = this.at(index);
      if (item === undefined) {
        if (missFirst < 0) missFirst = index;
        missLast = index + 1;
      }
      this.options.fillRow(row, item, index);
    }
    if (missFirst >= 0) this.options.missing?.(missFirst, missLast);
  }
}
