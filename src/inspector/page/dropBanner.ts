/// <reference lib="dom" />
/**
 * The "events dropped: N" banner (role=alert): shown whenever a frame's `dropped` grows, that is
 * when the server had to drop events for this page because it fell behind. `dropped` counts from
 * the start of each stream; the banner shows the total over the page's streams.
 * @packageDocumentation
 */
import { h } from './dom.js';

export class DropBanner {
  readonly element: HTMLElement;
  /** Events dropped over all of the page's streams. */
  total = 0;
  private inStream = 0;
  private readonly text: HTMLElement;

  constructor() {
    this.text = h('span', { class: 'banner-text' });
    const dismiss = h('button', { type: 'button', 'aria-label': 'Dismiss' }, '×');
    this.element = h('div', { class: 'banner', role: 'alert', hidden: true, title: 'This page fell behind the event stream; the server dropped events for it rather than queue them without bound' }, this.text, dismiss);
    dismiss.addEventListener('click', () => { this.element.hidden = true; });
  }

  /** A frame's `dropped`; `fresh` for the first frame of a new stream (its count starts again). */
  update(dropped: number, fresh: boolean): void {
    if (fresh) this.inStream = 0;
    if (dropped <= this.inStream) return;
    this.total += dropped - this.inStream;
    this.inStream = dropped;
    this.text.textContent = `events dropped: ${this.total}`;
    this.element.hidden = false;
  }
}
