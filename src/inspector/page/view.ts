/// <reference lib="dom" />
/**
 * What a tab of the page is: an element, the JSON view it fetches when shown and when a frame
 * says it `changed`, and the names it asks the event stream for.
 * @packageDocumentation
 */
import type { EventFrame, ViewAnswer } from '../protocol.js';
import type { ApiView } from './api.js';

export interface View {
  /** The tab's id (also its hash in the URL: `#graph`). */
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** The JSON view fetched while this tab is shown, or null. */
  readonly api: ApiView | null;
  /** The names this tab asks `GET /api/v1/events?views=` for. */
  readonly streams: readonly string[];
  /** A fresh answer of `api`. */
  render(answer: ViewAnswer<unknown>): void;
  /** Fetch and show `api` itself (instead of `render`), off the main thread; the node's time of the answer. */
  load?(): Promise<number>;
  /** A frame of the event stream, while shown. */
  frame?(frame: EventFrame): void;
  /** The tab is shown (after `hidden`), or hidden. */
  shown?(): void;
  hidden?(): void;
}
