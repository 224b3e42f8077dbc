/**
 * `inspect()`: the live inspector's server on `node:http`, its routes and its security model.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kernel } from '../kernel/index.js';
import { Actions, isAction } from './actions.js';
import { decodedPath, findPageDir, pageDirs, serveAsset } from './assets.js';
import { graphData } from './graph.js';
import { cookieName, HttpError, readJson, sameToken, sendError, sendJson, tokenOf } from './http.js';
import { Network, nodeName, type Collection, type Scope } from './network.js';
import { INSPECTOR_PROTOCOL, type NodeResult, type StreamView, type ViewAnswer } from './protocol.js';
import { Since } from './since.js';
import { EventHub, STREAM_VIEWS } from './stream.js';
import { channelsData, lookAt, NodeNotes, nodesData, pidinData } from './views.js';

/** Options of {@link inspect}; every one is optional. */
export interface InspectOptions {
  /** TCP port; 0 (the default) takes a free one (read it from `url`). */
  readonly port?: number;
  /** The interface to listen on: loopback (`127.0.0.1`) unless another is given here. */
  readonly host?: string;
  /** The secret every request must carry (`?token=`, or `Authorization: Bearer …`). Default: 32 random bytes, hex. */
  readonly token?: string;
  /** Allow the write actions (kill a process, unblock a thread, send a pulse). Default false: 403. */
  readonly allowWrite?: boolean;
  /** A thread blocked (SEND, REPLY, CONDVAR…) this long on the kernel's clock is a stall (ms). Default 1000. */
  readonly stallThresholdMs?: number;
  /** The bytes a stream's client may have not yet taken before its frames are dropped. Default 1 MiB. */
  readonly maxQueue?: number;
  /** The coalescing period of the event stream (10 to 100 ms: at least 10 frames a second). Default 100. */
  readonly frameMs?: number;
  /** Trace events in one frame at most; past it, the trace is not listened to until the next frame. Default 1000. */
  readonly maxEvents?: number;
  /** How long another node has to send its snapshot, on the kernel's clock (ms). Default 1000. */
  readonly snapshotDeadlineMs?: number;
}

/** A running inspector. */
export interface Inspector {
  /** The page's address, with its token: `http://<host>:<port>/?token=<token>`. */
  readonly url: string;
  /** Stop: end every stream, close the port, detach from the kernel. */
  close(): Promise<void>;
}

const SNAPSHOT_VIEWS = ['pidin', 'nodes', 'channels', 'graph'] as const;
type SnapshotView = (typeof SNAPSHOT_VIEWS)[number];

function option(v: number | undefined, name: string, d: number, min: number, max: number): number {
  if (v === undefined) return d;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new RangeError(`inspect: ${name} must be an integer from ${min} to ${max}`);
  return v;
}

/**
 * Serve a live view of `target` (a `System` or a `Kernel`) and its network: a page and a JSON
 * API, `/api/v1/…` (see `rxnto/inspector`'s protocol types), on `node:http`. Every request needs
 * the token (401 without it); writes need `allowWrite` (403 without it). Nothing is collected
 * while no page is open.
 *
 * @example
 * ```ts
 * import { inspect } from 'rxnto/inspector';
 * const inspector = await inspect(system);
 * console.log(`open ${inspector.url}`);
 * // …
 * await inspector.close();
 * ```
 */
export async function inspect(target: Kernel | { readonly kernel: Kernel }, options: InspectOptions = {}): Promise<Inspector> {
  const kernel = 'kernel' in target ? target.kernel : target;
  const port = option(options.port, 'port', 0, 0, 65535);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') throw new TypeError('inspect: host must name an interface (leave it out for loopback)');
  const token = options.token ?? randomBytes(32).toString('hex');
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) throw new TypeError('inspect: token must be a non-empty string of printable ASCII without spaces');
  const frameMs = option(options.frameMs, 'frameMs', 100, 10, 100);
  const stallThresholdMs = option(options.stallThresholdMs, 'stallThresholdMs', 1000, 1, 2 ** 31 - 1);
  const maxQueue = option(options.maxQueue, 'maxQueue', 1 << 20, 1024, 2 ** 31 - 1);
  const maxEvents = option(options.maxEvents, 'maxEvents', 1000, 1, 1_000_000);
  const deadline = option(options.snapshotDeadlineMs, 'snapshotDeadlineMs', 1000, 1, 2 ** 31 - 1);
  const allowWrite = options.allowWrite === true;

  const since = new Since();
  const notes = new NodeNotes();
  const network = new Network(kernel, deadline);
  const hub = new EventHub(kernel, { node: nodeName(kernel), frameMs, maxEvents, maxQueue, stallThresholdMs, since });
  const actions = new Actions(kernel);
  // node events are rare: noted from the start, so that the page can say why a node went down before it was opened
  const stopNet = kernel.net === null ? () => {} : kernel.onNet((e) => {
    if (e.type === 'node') notes.reason(e.event.node, e.event.reason);
    else notes.drop(e.node === '' ? '?' : e.node, e.reason);
    hub.nodesChanged();
  });
  const dirs = pageDirs();
  let cookie = '';

  const view = async (name: SnapshotView, scope: Scope): Promise<ViewAnswer<unknown>> => {
    if (name === 'nodes') {
      return { version: INSPECTOR_PROTOCOL, time: kernel.scheduler.now(), nodes: [{ node: nodeName(kernel), ok: true, data: nodesData(kernel, notes) }] };
    }
    const col: Collection = await network.collect(scope);
    let graph: Map<string, unknown> | null = null;
    if (name === 'graph') {
      for (const c of col.nodes) if (c.ok) lookAt(c.snap, since, col.time);
      graph = graphData(col, since, stallThresholdMs);
    }
    const nodes = col.nodes.map((c): NodeResult<unknown> => {
      if (!c.ok) return c;
      const data = name === 'pidin' ? pidinData(c.snap, since, col.time) : name === 'channels' ? channelsData(c.snap) : graph!.get(c.node);
      return { node: c.node, ok: true, data };
    });
    return { version: INSPECTOR_PROTOCOL, time: col.time, nodes };
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const api = path.startsWith('/api/');
    if (!sameToken(tokenOf(req, url, api ? null : cookie), token)) throw new HttpError(401, 'a token is needed: open the URL inspect() gave (?token=…), or send Authorization: Bearer <token>');
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST') throw new HttpError(405, `${method} is not answered here (GET, POST)`);
    const m = /^\/api\/v1\/actions\/([^/]+)$/.exec(path);
    if (m !== null) {
      if (method !== 'POST') throw new HttpError(405, 'actions are POSTed');
      if (!isAction(m[1]!)) throw new HttpError(404, `no action ${m[1]} (kill, unblock, pulse)`);
      if (!allowWrite) throw new HttpError(403, 'write actions are off: inspect(…, { allowWrite: true }) turns them on');
      const body = await readJson(req);
      sendJson(res, 200, actions.run(m[1], body));
      return;
    }
    if (method !== 'GET') throw new HttpError(405, `${path} answers GET only`);
    const v = /^\/api\/v1\/([a-z]+)$/.exec(path)?.[1];
    if (v !== undefined && (SNAPSHOT_VIEWS as readonly string[]).includes(v)) {
      const scope = url.searchParams.get('scope') ?? 'network';
      if (scope !== 'local' && scope !== 'network') throw new HttpError(400, 'scope must be local or network');
      sendJson(res, 200, await view(v as SnapshotView, scope));
      return;
    }
    if (v === 'events') {
      hub.attach(res, parseViews(url.searchParams.get('views')), lastEventId(req, url));
      return;
    }
    if (v === 'inspector') {
      sendJson(res, 200, hub.stats());
      return;
    }
    if (api) throw new HttpError(404, `no route ${path}`);
    decodedPath(path);
    const dir = await findPageDir(dirs);
    if (dir === null) throw new HttpError(503, 'the inspector page is not built (dist/inspector-page/ is missing: npm run build)');
    // the page's own files load with a cookie (a <script src> carries no header), set when the page is opened
    const set: Record<string, string> = url.searchParams.get('token') !== null ? { 'Set-Cookie': `${cookie}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict` } : {};
    await serveAsset(res, dir, path, set);
  };

  const server: Server = createServer({ requestTimeout: 30_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://inspector.invalid');
    } catch {
      sendError(res, 400, 'the request target is not a URL');
      return;
    }
    route(req, res, url).catch((e: unknown) => {
      if (e instanceof HttpError) {
        // a body still coming (one too large) is not read: the connection closes after the answer
        if (!req.complete) res.setHeader('Connection', 'close');
        sendError(res, e.status, e.message, e.errno, e.status === 405 ? { Allow: 'GET, POST' } : e.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
      } else {
        sendError(res, 500, `the inspector failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    stopNet();
    throw e;
  }
  const address = server.address() as AddressInfo;
  cookie = cookieName(address.port);
  const shown = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${shown}:${address.port}/?token=${encodeURIComponent(token)}`,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        stopNet();
        hub.close();
        actions.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** `?views=trace,stalls,…` (default: every view); 400 for a view that is not one. */
function parseViews(param: string | null): Set<StreamView> {
  if (param === null || param.trim() === '') return new Set(STREAM_VIEWS);
  const views = new Set<StreamView>();
  for (const v of param.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    if (!(STREAM_VIEWS as readonly string[]).includes(v)) throw new HttpError(400, `no view ${v} (${STREAM_VIEWS.join(', ')})`);
    views.add(v as StreamView);
  }
  return views;
}

/** `Last-Event-ID` (the header EventSource sends when it reconnects, or `?lastEventId=`); 400 when it is not a frame's seq. */
function lastEventId(req: IncomingMessage, url: URL): number | null {
  const header = req.headers['last-event-id'];
  const v = typeof header === 'string' ? header : url.searchParams.get('lastEventId');
  if (v === null || v === '') return null;
  if (!/^\d{1,15}$/.test(v.trim())) throw new HttpError(400, 'Last-Event-ID must be a frame seq (a non-negative integer)');
  return Number(v.trim());
}
