/**
 * The page's files: served from the built page directory (`dist/inspector-page/`, the page's
 * rollup output), found beside the server module, with their content types and nothing outside
 * that directory.
 * @internal
 * @packageDocumentation
 */
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMON_HEADERS, HttpError } from './http.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page's Content-Security-Policy: its own scripts and connections only, inline styles allowed, never framed. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Where the built page may be: beside the built server (`dist/esm/inspector/` and
 * `dist/cjs/inspector/` → `dist/inspector-page/`), or, when the server runs from its sources
 * (`src/inspector/`), in `dist/inspector-page/` of the repository.
 */
export function pageDirs(): string[] {
  const here = import.meta.url;
  return [new URL('../../inspector-page/', here), new URL('../../dist/inspector-page/', here)].map((u) => fileURLToPath(u));
}

/** The first of `dirs` that holds an `index.html`, or null. */
export async function findPageDir(dirs: readonly string[]): Promise<string | null> {
  for (const d of dirs) {
    try {
      if ((await stat(resolve(d, 'index.html'))).isFile()) return resolve(d);
    } catch {
      // not this one
    }
  }
  return null;
}

/** The file path a request's `pathname` names (`/` is `/index.html`); 400 for bad percent-encoding. */
export function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    throw new HttpError(400, 'the path is not valid percent-encoding');
  }
}

/**
 * Serve the file `pathname` names in `dir` (`/` is `index.html`): 404 for anything that is not a
 * plain file inside `dir` with a known type (no `..`, no hidden files, no directories).
 */
export async function serveAsset(res: ServerResponse, dir: string, pathname: string, extra: Readonly<Record<string, string>>): Promise<void> {
  const rel = decodedPath(pathname);
  const parts = rel.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p.startsWith('.') || p.includes('\\') || p.includes('\0'))) throw new HttpError(404, `no such file: ${pathname}`);
  const type = TYPES[extname(rel).toLowerCase()];
  const file = resolve(dir, ...parts);
  if (type === undefined || !file.startsWith(dir + sep)) throw new HttpError(404, `no such file: ${pathname}`);
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    body = await readFile(file);
  } catch {
    throw new HttpError(404, `no such file: ${pathname}`);
  }
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'Content-Type': type,
    'Content-Length': body.length,
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': CSP } : {}),
    ...extra,
  });
  res.end(body);
}
