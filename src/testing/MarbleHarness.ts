import { Observable, concatMap, map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { ProcessOptions, TraceEvent } from '../kernel/index.js';
import type { Connection, SendOptions } from '../rx/Connection.js';
import type { ConnectOptions, ChannelAddress } from '../rx/RxProcess.js';
import { RxProcess } from '../rx/RxProcess.js';
import { createSystem, type System } from '../rx/System.js';
import { sendTo } from '../operators/sendTo.js';
import { checkPromises } from '../rx/handlerResult.js';

/** One letter per trace kind, for {@link MarbleHarness.trace}. Kinds left out are not drawn. */
export type TraceLetters = Partial<Record<TraceEvent['kind'], string>>;

/** The default letters: s send, r receive, R reply, E error, p pulse, u unblock, t timeout, d death, x disconnect. */
export const DEFAULT_TRACE_LETTERS: TraceLetters = {
  send: 's', receive: 'r', reply: 'R', error: 'E', pulse: 'p', unblock: 'u', timeout: 't', death: 'd', disconnect: 'x',
};

/** Options of {@link MarbleHarness}. */
export interface MarbleHarnessOptions {
  /**
   * Let handlers return Promises (default false). A Promise settles in a microtask, after the
   * whole run: its answer is never seen in the diagram. Allow them only for a Promise the spec
   * does not wait for (one that only listens to `message.signal`, say).
   */
  readonly allowPromises?: boolean;
}

/** Whether `scheduler` is inside `run()` (RxJS keeps it in a private field). */
function inRun(scheduler: TestScheduler): boolean {
  return (scheduler as unknown as { runMode?: unknown }).runMode === true;
}

/**
 * A kernel on a `TestScheduler`, to specify servers with marble diagrams: every kernel timer
 * (timeouts, timer pulses, `trigger_time`) runs in the scheduler's virtual frames.
 * Make it inside `testScheduler.run(...)`.
 *
 * Handlers that return Promises cannot be specified this way: a Promise settles in a microtask,
 * after the run, so its answer would silently never come. The harness fails the run at once
 * instead, at the frame the handler returned it, saying so (the client's send also fails, with a
 * `RemoteError` of the same message). Return an Observable (`of(x)`, `timer(2).pipe(map(...))`),
 * or test Promise code with `runVirtual()` and a `VirtualClock`.
 *
 * @example
 * ```ts
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const h = new MarbleHarness(testScheduler);
 *   const ch = h.process('server').channel({ codec: utf8 });
 *   ch.pipe(messages(), replyWith((s) => s.toUpperCase())).subscribe();
 *   const conn = h.client(ch, { codec: utf8 });
 *   expectObservable(h.replies(conn, cold('-a-b|', { a: 'x', b: 'y' }))).toBe('-A-B|', { A: 'X', B: 'Y' });
 * });
 * ```
 */
export class MarbleHarness {
  readonly system: System;
  private clients = 0;

  constructor(
    readonly scheduler: TestScheduler,
    options: MarbleHarnessOptions = {},
  ) {
    // a continuation that throws is a test failure: surface it at once
    this.system = createSystem({ scheduler, onUnhandledError: (e) => { throw e; } });
    if (options.allowPromises !== true && inRun(scheduler)) {
      checkPromises({
        // the run is over: a later Promise is real asynchronous code, not this harness's business
        active: () => inRun(scheduler),
        refuse: () => {
          const error = new Error(
            `MarbleHarness: a handler returned a Promise at frame ${scheduler.now()}; it would settle only after ` +
              'TestScheduler.run() (Promises are microtasks, outside virtual time), so its answer would never be seen. ' +
              'Return an Observable instead (of(value), defer(() => of(f(x))), timer(2).pipe(map(() => value))), ' +
              'test Promise code with runVirtual() and a VirtualClock (rxnto/testing), or make the harness with ' +
              '{ allowPromises: true } if the spec never waits for the Promise.',
          );
          // fail the run at this frame, whatever the server does with the handler's error
          scheduler.schedule(() => { throw error; });
          return error;
        },
      });
    }
  }

  /** A process named `name`. */
  process(name: string, options: Omit<ProcessOptions, 'name'> = {}): RxProcess {
    return this.system.process({ ...options, name });
  }

  /** A new client process (`client-1`, `client-2`, ...) connected to `to`. */
  client(to: ChannelAddress, options?: ConnectOptions<Uint8Array, Uint8Array> & { readonly codec?: undefined }): Connection<Uint8Array, Uint8Array>;
  client<T, R = T>(to: ChannelAddress, options: ConnectOptions<T, R> & { readonly codec: NonNullable<ConnectOptions<T, R>['codec']> }): Connection<T, R>;
  client<T, R>(to: ChannelAddress, options: ConnectOptions<T, R> = {}): Connection<T, R> {
    const p = this.process(`client-${++this.clients}`, options.priority === undefined ? {} : { priority: options.priority });
    return p.connect(to, options as ConnectOptions<T, R> & { codec: NonNullable<ConnectOptions<T, R>['codec']> });
  }

  /**
   * Send every value of `source` on `conn` (one client thread, in order) and emit the reply data.
   * `conn` may also be a method of a `remote()` client (`api.getReading`): each value is one call,
   * in order.
   */
  replies<T, R>(conn: Connection<T, R> | ((request: T, options?: SendOptions) => Observable<R>), source: Observable<T>, options: SendOptions = {}): Observable<R> {
    if (typeof conn === 'function') return source.pipe(concatMap((request) => conn(request, options)));
    return source.pipe(sendTo(conn, options), map((r) => r.data));
  }

  /** The kernel trace as letters (see {@link DEFAULT_TRACE_LETTERS}), to assert with `expectObservable`. */
  trace(letters: TraceLetters = DEFAULT_TRACE_LETTERS): Observable<string> {
    return new Observable<string>((subscriber) =>
      this.system.kernel.onTrace((e) => {
        const letter = letters[e.kind];
        if (letter !== undefined) subscriber.next(letter);
      }),
    );
  }
}
