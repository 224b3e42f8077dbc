/// <reference lib="dom" />
/**
 * The page's one EventSource (`GET /api/v1/events?views=…`): reopened with the new list when the
 * shown views change; the browser reconnects by itself after a cut and sends `Last-Event-ID`, so
 * the server resumes after the last frame seen. What arrived is counted in {@link StreamStats}
 * (on `window.__inspector` for the specs): frames, the last seq, and gaps in the seq.
 * @packageDocumentation
 */
import type { EventFrame, StreamHello } from '../protocol.js';
import { apiUrl } from './api.js';

/** What the stream saw, for the page's status line and for the specs (`window.__inspector.stream`). */
export interface StreamStats {
  /** Frames handled (duplicates after a resume are not counted). */
  frames: number;
  /** The last frame's seq in the current EventSource (−1 before the first). */
  lastSeq: number;
  /** Frames whose seq was not the last + 1 (within one EventSource, across its reconnects). */
  gaps: number;
  /** Frames received again after a resume (seq ≤ the last seen), ignored. */
  duplicates: number;
  /** EventSources opened (1 + reopenings for another list of views). */
  opens: number;
  /** Times the connection was lost and the browser reconnected by itself. */
  reconnects: number;
  /** `connecting`, `open` or `closed`. */
  state: string;
  /** The views of the current EventSource. */
  views: string;
  /** The last `hello` of the stream (its settings), or null. */
  hello: StreamHello | null;
  /** Frames that said the trace was truncated (the frame's cap of events reached). */
  truncated: number;
}

/** `fresh`: the first frame of a connection (a new EventSource or a reconnection): its `dropped` counts from 0 again. */
export type FrameHandler = (frame: EventFrame, fresh: boolean) => void;

export class EventStream {
  readonly stats: StreamStats = { frames: 0, lastSeq: -1, gaps: 0, duplicates: 0, opens: 0, reconnects: 0, state: 'closed', views: '', hello: null, truncated: 0 };
  private source: EventSource | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private wasOpen = false;

  constructor(private readonly onFrame: FrameHandler, private readonly onState: (stats: StreamStats) => void = () => undefined) {}

  /**
   * Stream these views (a no-op when already streaming exactly these). Another list is a new
   * stream; the same list again (after the browser gave up reconnecting) resumes after the last
   * frame seen (`lastEventId`), as the browser's own reconnection does with `Last-Event-ID`.
   */
  open(views: readonly string[]): void {
    const list = [...new Set(views)].sort().join(',');
    if (this.source !== null && this.source.readyState !== EventSource.CLOSED && list === this.stats.views) return;
    const resume = list === this.stats.views && this.stats.lastSeq >= 0 ? this.stats.lastSeq : -1;
    this.close();
    this.stats.views = list;
    this.stats.lastSeq = resume;
    this.stats.opens++;
    let first = true;
    const source = new EventSource(apiUrl('events', resume >= 0 ? { views: list, lastEventId: String(resume) } : { views: list }));
    this.source = source;
    this.setState('connecting');
    source.onopen = () => {
      if (this.wasOpen) this.stats.reconnects++;
      this.wasOpen = true;
      first = true;
      this.setState('open');
    };
    source.addEventListener('hello', (ev) => {
      if (source !== this.source) return;
      try {
        this.stats.hello = JSON.parse((ev as MessageEvent<string>).data) as StreamHello;
      } catch {
        // not for us
      }
      first = true;
    });
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CLOSED) {
        // refused (401, 5xx): the browser gives up; try again with a new EventSource later
        this.setState('closed');
        this.source = null;
        this.wasOpen = false;
        this.retry = setTimeout(() => {
          this.retry = null;
          this.open(list === '' ? [] : list.split(','));
        }, 2000);
      } else this.setState('connecting');
    };
    source.addEventListener('frame', (ev) => {
      if (source !== this.source) return;
      let frame: EventFrame;
      try {
        frame = JSON.parse((ev as MessageEvent<string>).data) as EventFrame;
      } catch {
        return;
      }
      const s = this.stats;
      if (s.lastSeq >= 0 && frame.seq <= s.lastSeq) {
        s.duplicates++;
        return;
      }
      if (s.lastSeq >= 0 && frame.seq !== s.lastSeq + 1) s.gaps++;
      s.lastSeq = frame.seq;
      s.frames++;
      if (frame.truncated === true) s.truncated++;
      const fresh = first;
      first = false;
      this.onFrame(frame, fresh);
    });
  }

  /** Stop streaming. */
  close(): void {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.source?.close();
    this.source = null;
    this.wasOpen = false;
    this.setState('closed');
  }

  private setState(state: string): void {
    this.stats.state = state;
    this.onState(this.stats);
  }
}
