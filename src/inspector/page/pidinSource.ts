/// <reference lib="dom" />
/**
 * Where the pidin rows live. At 10,000 threads an answer is more than a megabyte of JSON: parsed,
 * filtered and sorted on the page's main thread it would take longer than a frame. So a Web
 * Worker (this same app.js, started as a module worker) fetches and parses the answer and keeps
 * the rows, filters and sorts them, and hands the page only the rows in sight. Where a worker
 * cannot be started, the same work runs on the main thread ({@link LocalRows}).
 * @packageDocumentation
 */
import type { ViewAnswer } from '../protocol.js';
import { apiUrl } from './api.js';
import { filterRows, flattenPidin, sortRows, type PidinRow, type SortDir, type SortKey } from './pidinRows.js';

/** What a load or a new filter/sort gives: the rows' count, those shown, who did not answer, the node's time. */
export interface RowsMeta {
  readonly version: number;
  readonly total: number;
  readonly shown: number;
  readonly failed: readonly { readonly node: string; readonly error: string }[];
  readonly time: number;
}

export interface RowsSource {
  /** Fetch pidin (the whole network) and apply the current filter and sort. */
  load(): Promise<RowsMeta>;
  /** Filter and sort again. */
  view(filter: string, key: SortKey, dir: SortDir): Promise<RowsMeta>;
  /** Rows `first` to `last` (excluded) of the shown ones, as of `version`. */
  slice(first: number, last: number): Promise<{ version: number; first: number; rows: readonly PidinRow[] }>;
}

/** The rows kept and the view of them: what the worker (or the main thread) holds. */
export class RowsModel {
  private rows: PidinRow[] = [];
  private failed: RowsMeta['failed'] = [];
  private time = 0;
  private shown: readonly PidinRow[] = [];
  private filter = '';
  private key: SortKey = 'time';
  private dir: SortDir = 'descending';
  private version = 0;

  take(answer: ViewAnswer<unknown>): RowsMeta {
    const { rows, failed } = flattenPidin(answer);
    this.rows = rows;
    this.failed = failed;
    this.time = answer.time;
    return this.apply();
  }

  view(filter: string, key: SortKey, dir: SortDir): RowsMeta {
    this.filter = filter;
    this.key = key;
    this.dir = dir;
    return this.apply();
  }

  slice(first: number, last: number): { version: number; first: number; rows: readonly PidinRow[] } {
    return { version: this.version, first, rows: this.shown.slice(first, last) };
  }

  private apply(): RowsMeta {
    this.shown = sortRows(filterRows(this.rows, this.filter), this.key, this.dir);
    return { version: ++this.version, total: this.rows.length, shown: this.shown.length, failed: this.failed, time: this.time };
  }
}

/** The rows on the main thread (no worker). */
export class LocalRows implements RowsSource {
  private readonly model = new RowsModel();

  async load(): Promise<RowsMeta> {
    const res = await fetch(apiUrl('pidin', { scope: 'network' }), { cache: 'no-store' });
    if (!res.ok) throw new Error(`GET /api/v1/pidin: ${res.status} ${res.statusText}`);
    return this.model.take((await res.json()) as ViewAnswer<unknown>);
  }

  async view(filter: string, key: SortKey, dir: SortDir): Promise<RowsMeta> {
    return this.model.view(filter, key, dir);
  }

  async slice(first: number, last: number): Promise<{ version: number; first: number; rows: readonly PidinRow[] }> {
    return this.model.slice(first, last);
  }
}

/** A request to the worker and its answer. */
type Request =
  | { readonly id: number; readonly kind: 'load'; readonly url: string }
  | { readonly id: number; readonly kind: 'view'; readonly filter: string; readonly key: SortKey; readonly dir: SortDir }
  | { readonly id: number; readonly kind: 'slice'; readonly first: number; readonly last: number };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Answer = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** The rows in a module worker running this same bundle (see {@link serveRows}). */
export class WorkerRows implements RowsSource {
  private next = 1;
  private readonly pending = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();
  /** Set when the worker failed (refused by a policy, a script error): the main thread takes over. */
  private local: LocalRows | null = null;

  constructor(private readonly worker: Worker) {
    worker.onerror = () => {
      this.local ??= new LocalRows();
      for (const p of this.pending.values()) p.fail(new Error('the worker failed'));
      this.pending.clear();
      worker.terminate();
    };
    worker.onmessage = (ev: MessageEvent<Answer>) => {
      const a = ev.data;
      const p = this.pending.get(a.id);
      if (p === undefined) return;
      this.pending.delete(a.id);
      if (a.ok) p.ok(a.value);
      else p.fail(new Error(a.error));
    };
  }

  private ask<T>(r: WithoutId<Request>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: ok as (v: unknown) => void, fail });
      this.worker.postMessage({ ...r, id });
    });
  }

  load(): Promise<RowsMeta> {
    if (this.local !== null) return this.local.load();
    // absolute: the worker resolves relative URLs against its script
    return this.ask({ kind: 'load', url: new URL(apiUrl('pidin', { scope: 'network' }), location.href).href });
  }

  view(filter: string, key: SortKey, dir: SortDir): Promise<RowsMeta> {
    if (this.local !== null) return this.local.view(filter, key, dir);
    return this.ask({ kind: 'view', filter, key, dir });
  }

  slice(first: number, last: number): Promise<{ version: number; first: number; rows: readonly PidinRow[] }> {
    if (this.local !== null) return this.local.slice(first, last);
    return this.ask({ kind: 'slice', first, last });
  }
}

/** The worker's side: answer the page's requests from a {@link RowsModel}. */
export function serveRows(scope: { onmessage: ((ev: MessageEvent<Request>) => void) | null; postMessage(m: Answer): void }): void {
  const model = new RowsModel();
  scope.onmessage = (ev) => {
    const r = ev.data;
    const run = async (): Promise<unknown> => {
      switch (r.kind) {
        case 'load': {
          const res = await fetch(r.url, { cache: 'no-store' });
          if (!res.ok) throw new Error(`GET /api/v1/pidin: ${res.status} ${res.statusText}`);
          return model.take((await res.json()) as ViewAnswer<unknown>);
        }
        case 'view':
          return model.view(r.filter, r.key, r.dir);
        case 'slice':
          return model.slice(r.first, r.last);
      }
    };
    run().then(
      (value) => scope.postMessage({ id: r.id, ok: true, value }),
      (e: unknown) => scope.postMessage({ id: r.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  };
}

/** The worker if one can be started from `script` (this bundle), else the main thread. */
export function rowsSource(script: string): RowsSource {
  try {
    return new WorkerRows(new Worker(script, { type: 'module', name: 'rxnto-inspector-pidin' }));
  } catch {
    return new LocalRows();
  }
}
