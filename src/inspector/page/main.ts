/// <reference lib="dom" />
/**
 * The inspector page: tabs (nodes, processes and threads, channels, who blocks whom, timeline),
 * one EventSource for the tab shown, each tab's JSON fetched when shown and when a frame says it
 * changed (at most 4 times a second), the "events dropped" banner. What the specs read is on
 * `window.__inspector`.
 * @packageDocumentation
 */
import type { EventFrame, ViewAnswer } from '../protocol.js';
import { fetchView, pageToken } from './api.js';
import { ChannelsView } from './channelsView.js';
import { h } from './dom.js';
import { DropBanner } from './dropBanner.js';
import { GraphView } from './graphView.js';
import { NameBook } from './names.js';
import { NodeClock } from './nodeClock.js';
import { NodesView } from './nodesView.js';
import { rowsSource, serveRows } from './pidinSource.js';
import { PidinView } from './pidinView.js';
import { EventStream, type StreamStats } from './stream.js';
import { Throttle } from './throttle.js';
import { TimelineView } from './timelineView.js';
import type { View } from './view.js';

/** What the page exposes for tests and for the curious (`window.__inspector`). */
export interface InspectorHandle {
  readonly stream: StreamStats;
  /** Every frame seq handled, in order (the last 10,000). */
  readonly seqs: number[];
  /** Events dropped for this page, as the banner shows. */
  dropped(): number;
  /** The tab shown. */
  current(): string;
  /** The trace kept by the timeline as Perfetto JSON. */
  perfettoJson(): string;
  /** Events the timeline keeps. */
  traceSize(): number;
  /** Answers fetched, per view. */
  readonly fetches: Record<string, number>;
}

declare global {
  interface Window {
    __inspector?: InspectorHandle;
  }
}

function start(): void {
  const clock = new NodeClock();
  const names = new NameBook();
  const banner = new DropBanner();
  const fetches: Record<string, number> = {};
  const namesThrottle = new Throttle(async () => names.learn(await fetchView('pidin')), 2000);
  const timeline = new TimelineView(names, () => namesThrottle.request());
  const views: View[] = [new NodesView(), new PidinView(clock, rowsSource(import.meta.url)), new ChannelsView(), new GraphView(clock), timeline];
  let current: View = views[0]!;
  const seqs: number[] = [];

  const status = h('span', { role: 'status', class: 'stream-status' });
  const showStatus = (s: StreamStats): void => {
    status.textContent = `${s.state === 'open' ? '● live' : s.state === 'connecting' ? '○ connecting…' : '○ closed'} · ${s.frames} ${s.frames === 1 ? 'frame' : 'frames'}`;
    status.dataset['state'] = s.state;
  };

  const fetchers = new Map<View, Throttle>();
  const problems = new Map<View, HTMLElement>();
  for (const v of views) {
    const api = v.api;
    const problem = h('p', { role: 'status', class: 'fetch-error', hidden: true });
    problems.set(v, problem);
    if (api === null) continue;
    fetchers.set(v, new Throttle(async () => {
      try {
        if (v.load !== undefined) clock.observe(await v.load());
        else {
          const answer: ViewAnswer<unknown> = await fetchView(api);
          clock.observe(answer.time);
          if (v === current) v.render(answer);
        }
      } catch (e) {
        problem.textContent = `could not load ${api}: ${e instanceof Error ? e.message : String(e)}`;
        problem.hidden = false;
        return;
      }
      problem.hidden = true;
      fetches[api] = (fetches[api] ?? 0) + 1;
    }, 250));
  }

  const stream = new EventStream((frame: EventFrame, fresh: boolean) => {
    seqs.push(frame.seq);
    showStatus(stream.stats);
    if (seqs.length > 10_000) seqs.splice(0, seqs.length - 10_000);
    clock.observe(frame.time);
    banner.update(frame.dropped, fresh);
    const api = current.api;
    if (api !== null && (fresh || frame.changed.includes(api))) fetchers.get(current)?.request();
    current.frame?.(frame);
  }, showStatus);

  const tabs = h('div', { role: 'tablist', 'aria-label': 'Views', class: 'tabs' });
  const panels = h('main', { class: 'panels' });
  const tabOf = new Map<View, HTMLButtonElement>();
  for (const v of views) {
    const tab = h('button', { type: 'button', role: 'tab', id: `tab-${v.id}`, 'aria-controls': `panel-${v.id}`, 'aria-selected': 'false', tabindex: -1 }, v.title);
    tab.addEventListener('click', () => show(v));
    tab.addEventListener('keydown', (ev) => {
      const i = views.indexOf(v);
      const next = ev.key === 'ArrowRight' ? views[(i + 1) % views.length] : ev.key === 'ArrowLeft' ? views[(i - 1 + views.length) % views.length] : undefined;
      if (next === undefined) return;
      ev.preventDefault();
      show(next);
      tabOf.get(next)?.focus();
    });
    tabOf.set(v, tab);
    tabs.append(tab);
    panels.append(h('div', { role: 'tabpanel', id: `panel-${v.id}`, 'aria-labelledby': `tab-${v.id}`, hidden: true }, problems.get(v)!, v.element));
  }

  function show(v: View): void {
    if (v !== current) {
      current.hidden?.();
      fetchers.get(current)?.cancel();
    }
    current = v;
    for (const [view, tab] of tabOf) {
      const on = view === v;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(`panel-${view.id}`)!.hidden = !on;
    }
    if (location.hash !== `#${v.id}`) history.replaceState(null, '', `#${v.id}`);
    v.shown?.();
    fetchers.get(v)?.request();
    stream.open(v.streams);
  }

  const header = h('header', { class: 'top' }, h('h1', {}, 'rxnto inspector'), status);
  if (pageToken() === '') header.append(h('span', { role: 'alert', class: 'banner' }, 'no token in the URL: the server will refuse every request'));
  document.body.replaceChildren(header, banner.element, tabs, panels);

  window.__inspector = {
    stream: stream.stats,
    seqs,
    fetches,
    dropped: () => banner.total,
    current: () => current.id,
    perfettoJson: () => timeline.perfettoJson(),
    traceSize: () => timeline.model.size,
  };
  const initial = views.find((v) => `#${v.id}` === location.hash) ?? views[0]!;
  show(initial);
  window.addEventListener('hashchange', () => {
    const v = views.find((x) => `#${x.id}` === location.hash);
    if (v !== undefined && v !== current) show(v);
  });
}

// app.js is also the pidin rows' worker (pidinSource.ts): started as a module worker, it has no document
if (typeof document === 'undefined') serveRows(globalThis as unknown as Parameters<typeof serveRows>[0]);
else if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
