/**
 * The inspector's HTTP plumbing on `node:http`: JSON answers and errors, the token check, bodies
 * read with a size limit, numbers checked.
 * @internal
 * @packageDocumentation
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INSPECTOR_PROTOCOL, type ErrorAnswer } from './protocol.js';

/** The largest request body taken (an action's JSON is a few dozen bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Headers of every answer: nothing cached, nothing sniffed, no Referer carrying the token away. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** A failed request: its status, message and, for a kernel error, the errno name. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly errno?: string) {
    super(message);
  }
}

/** Answer `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answer an {@link ErrorAnswer}. */
export function sendError(res: ServerResponse, status: number, message: string, errno?: string, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorAnswer = errno === undefined ? { version: INSPECTOR_PROTOCOL, error: message } : { version: INSPECTOR_PROTOCOL, error: message, errno };
  sendJson(res, status, body, headers);
}

/** The cookie that lets the page's own files load (a `<script src>` sends no header). One per port. */
export function cookieName(port: number): string {
  return `rxnto_inspector_${port}`;
}

/** Whether `given` is the token, compared in constant time. */
export function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a request carries: `?token=`, `Authorization: Bearer …`, or (only where `cookie` is
 * named: the page's files) that cookie.
 */
export function tokenOf(req: IncomingMessage, url: URL, cookie: string | null): string | null {
  const q = url.searchParams.get('token');
  if (q !== null) return q;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  if (cookie !== null) {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookie) return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return null;
}

/**
 * The request's body as JSON: at most {@link MAX_BODY_BYTES} (400 past it, read no further), an
 * object (400 for anything else: bad JSON, an array, a number). An empty body is `{}`.
 */
export function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new HttpError(400, `the body is larger than ${MAX_BODY_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(new HttpError(400, `the body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(new HttpError(400, `the body could not be read: ${e.message}`));
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') {
        resolve({});
        return;
      }
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        reject(new HttpError(400, 'the body is not JSON'));
        return;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) reject(new HttpError(400, 'the body must be a JSON object'));
      else resolve(v as Record<string, unknown>);
    });
  });
}

/** `o[key]` as an integer in `min..max`, else a 400 naming the field. */
export function intField(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new HttpError(400, `${key} must be an integer from ${min} to ${max}`);
  }
  return v;
}
