/// <reference lib="dom" />
/**
 * The live timeline (canvas 2D) and the exports: a lane per thread, state colours, send →
 * receive → reply arrows, pulses and async batches as marks; pause (the picture stops moving,
 * events are still kept), zoom (the wheel with Ctrl, or the buttons), follow (the right edge
 * stays at the latest event); the history keeps the newest 100,000 events. Export: the kept
 * trace as Chrome/Perfetto JSON (a download) and as marble text.
 * @packageDocumentation
 */
import type { EventFrame, ViewAnswer } from '../protocol.js';
import { h } from './dom.js';
import { exportMarbles } from './exportMarbles.js';
import { exportPerfetto } from './exportPerfetto.js';
import type { NameBook } from './names.js';
import { drawTimeline, GUTTER, LANE, AXIS, type Viewport } from './timelineDraw.js';
import { TimelineModel } from './timelineModel.js';
import type { View } from './view.js';

const HEIGHT = 420;

export class TimelineView implements View {
  readonly id = 'timeline';
  readonly title = 'Timeline';
  readonly api = null;
  readonly streams = ['trace'];
  readonly element: HTMLElement;
  readonly model = new TimelineModel(100_000);
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly marbles: HTMLTextAreaElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly followButton: HTMLButtonElement;
  private readonly view: Viewport = { end: 0, msPerPx: 4, laneTop: 0 };
  private paused = false;
  private follow = true;
  private visible = false;
  private raf = 0;
  private lanesNamed = 0;

  constructor(private readonly names: NameBook, private readonly needNames: () => void) {
    this.canvas = h('canvas', { role: 'img', 'aria-label': 'Timeline', class: 'timeline-canvas', tabindex: 0 });
    this.status = h('span', { role: 'status', class: 'count' });
    const button = (text: string, attrs: Record<string, string> = {}): HTMLButtonElement => h('button', { type: 'button', ...attrs }, text);
    this.pauseButton = button('Pause', { 'aria-pressed': 'false' });
    this.followButton = button('Follow', { 'aria-pressed': 'true' });
    const zoomIn = button('Zoom in');
    const zoomOut = button('Zoom out');
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.paused));
    this.followButton.addEventListener('click', () => this.setFollow(!this.follow));
    zoomIn.addEventListener('click', () => this.zoom(0.5, 1));
    zoomOut.addEventListener('click', () => this.zoom(2, 1));
    const frameMs = h('input', { type: 'number', min: 1, step: 1, value: 100, 'aria-label': 'Frame (ms)', class: 'frame-ms' });
    const perfetto = button('Export Perfetto JSON');
    const marbleButton = button('Export marbles');
    this.marbles = h('textarea', { 'aria-label': 'Marble diagram', readonly: true, rows: 6, spellcheck: 'false', class: 'marbles' });
    perfetto.addEventListener('click', () => this.downloadPerfetto());
    marbleButton.addEventListener('click', () => {
      const ms = Number(frameMs.value);
      try {
        this.marbles.value = exportMarbles(this.model.events(), { frameMs: ms > 0 ? ms : 100, label: (node, pid) => this.names.process(node, pid) });
      } catch (e) {
        this.marbles.value = String(e);
      }
    });
    this.element = h('section', { 'aria-label': 'Timeline', class: 'timeline-view' },
      h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline controls' }, this.pauseButton, this.followButton, zoomIn, zoomOut, this.status),
      this.canvas,
      h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Export' }, perfetto, marbleButton, h('label', {}, 'frame (ms) ', frameMs)),
      this.marbles);
    this.canvas.addEventListener('wheel', (ev) => this.wheel(ev), { passive: false });
    this.drag();
    new ResizeObserver(() => this.schedule()).observe(this.canvas);
  }

  render(_answer: ViewAnswer<unknown>): void {}

  frame(frame: EventFrame): void {
    if (frame.events.length === 0) return;
    this.model.add(frame.events);
    if (this.model.lanes.size !== this.lanesNamed) {
      this.lanesNamed = this.model.lanes.size;
      for (const lane of this.model.lanes.values()) {
        if (!this.names.knows(lane.node, lane.pid)) {
          this.needNames();
          break;
        }
      }
    }
    if (!this.paused) this.schedule();
    else this.showStatus();
  }

  shown(): void {
    this.visible = true;
    this.schedule();
  }

  hidden(): void {
    this.visible = false;
  }

  /** The Perfetto JSON of the kept trace (also what the download holds). */
  perfettoJson(): string {
    return JSON.stringify(exportPerfetto(this.model.events(), {
      processName: (node, pid) => this.names.process(node, pid),
      threadName: (node, pid, tid) => this.names.thread(node, pid, tid),
    }));
  }

  private downloadPerfetto(): void {
    const url = URL.createObjectURL(new Blob([this.perfettoJson()], { type: 'application/json' }));
    const a = h('a', { href: url, download: 'rxnto-trace.json' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.pauseButton.setAttribute('aria-pressed', String(paused));
    this.pauseButton.textContent = paused ? 'Resume' : 'Pause';
    this.schedule();
  }

  private setFollow(follow: boolean): void {
    this.follow = follow;
    this.followButton.setAttribute('aria-pressed', String(follow));
    this.schedule();
  }

  /** Zoom by `factor` (< 1: in) around the x fraction `at` of the plot (1: the right edge). */
  private zoom(factor: number, at: number): void {
    const width = Math.max(1, this.canvas.clientWidth - GUTTER);
    const pivot = this.view.end - (1 - at) * width * this.view.msPerPx;
    this.view.msPerPx = Math.min(600_000, Math.max(0.001, this.view.msPerPx * factor));
    if (!(this.follow && at === 1)) this.view.end = pivot + (1 - at) * width * this.view.msPerPx;
    this.schedule();
  }

  private wheel(ev: WheelEvent): void {
    ev.preventDefault();
    const width = Math.max(1, this.canvas.clientWidth - GUTTER);
    const at = Math.min(1, Math.max(0, (ev.offsetX - GUTTER) / width));
    if (ev.ctrlKey || ev.metaKey) {
      if (at < 1) this.setFollow(false);
      this.zoom(ev.deltaY > 0 ? 1.25 : 0.8, at);
    } else if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      this.setFollow(false);
      this.view.end += (ev.deltaX || ev.deltaY) * this.view.msPerPx;
      this.schedule();
    } else {
      const lanes = this.model.lanes.size;
      this.view.laneTop = Math.max(0, Math.min(lanes - 1, this.view.laneTop + Math.sign(ev.deltaY) * 3));
      this.schedule();
    }
  }

  private drag(): void {
    let from: number | null = null;
    this.canvas.addEventListener('pointerdown', (ev) => {
      from = ev.clientX;
      this.canvas.setPointerCapture(ev.pointerId);
    });
    this.canvas.addEventListener('pointermove', (ev) => {
      if (from === null) return;
      const dx = ev.clientX - from;
      from = ev.clientX;
      if (dx === 0) return;
      this.setFollow(false);
      this.view.end -= dx * this.view.msPerPx;
      this.schedule();
    });
    const stop = (): void => { from = null; };
    this.canvas.addEventListener('pointerup', stop);
    this.canvas.addEventListener('pointercancel', stop);
  }

  private schedule(): void {
    if (!this.visible || this.raf !== 0) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.draw();
    });
  }

  private showStatus(): void {
    const m = this.model;
    this.status.textContent = `${m.size} events, ${m.lanes.size} lanes${m.dropped > 0 ? `, ${m.dropped} oldest dropped` : ''}${this.paused ? ' (paused)' : ''}`;
  }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = HEIGHT;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.height = `${height}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    if (this.follow && !this.paused && !Number.isNaN(this.model.last)) this.view.end = this.model.last + 20 * this.view.msPerPx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawTimeline(ctx, width, height, this.model, this.view, (lane) => `${lane.node}: ${this.names.lane(lane.node, lane.pid, lane.tid)}`);
    const label = `Timeline: ${this.model.lanes.size} threads; ${Math.floor((height - AXIS) / LANE)} lanes in sight`;
    if (this.canvas.getAttribute('aria-label') !== label) this.canvas.setAttribute('aria-label', label);
    this.showStatus();
  }
}
