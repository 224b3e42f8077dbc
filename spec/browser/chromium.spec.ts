// A real headless Chromium (Debian's chromium, driven by playwright-core) loads a page whose main
// thread is a node and whose two Web Workers are nodes; it runs the browser subset of the link
// suite (round trip, global names, pulses, unblock, a terminated worker) on the built package.
// A second page (options.html) starts Workers with the browser's Worker options and workerData.
// The page's bare imports are mapped by this test's server (module workers ignore import maps).
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve('.');
const BARE: Record<string, string> = {
  rxjs: '/node_modules/rxjs/dist/esm/index.js',
  tslib: '/node_modules/tslib/tslib.es6.mjs',
  rxnto: '/dist/esm/index.js',
  'rxnto/operators': '/dist/esm/operators/index.js',
  'rxnto/worker': '/dist/esm/link/worker/index.js',
};
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json' };

/** Serve the repository, mapping bare module specifiers to files (a server-side import map). */
function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(root, path);
    const isFile = (f: string): boolean => statSync(f, { throwIfNoEntry: false })?.isFile() === true;
    if (!file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    if (!isFile(file)) {
      // rxjs's ESM build imports without extensions (for bundlers): send the browser to the file
      const found = ['.js', '/index.js'].find((ext) => isFile(file + ext));
      if (found === undefined) res.writeHead(404).end();
      else res.writeHead(302, { location: path + found }).end();
      return;
    }
    let body: string | Buffer = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (type === 'text/javascript') {
      body = body.toString('utf8').replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"./][^'"]*)\2/g, (all, lead: string, q: string, spec: string) =>
        BARE[spec] === undefined ? all : `${lead}${q}${BARE[spec]}${q}`);
    }
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    ok({ server, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}` });
  }));
}

describe('rxnto in a real Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    ({ server, url: base } = await serve());
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('should run two Web Worker nodes: round trip, global names, pulses, unblock, EHOSTDOWN on terminate', async () => {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    page.on('requestfailed', (r) => logs.push(`failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) logs.push(`${r.status()}: ${r.url()}`); });
    await page.goto(`${base}/spec/browser/page.html`);
    await page.waitForFunction(() => (globalThis as unknown as { results?: unknown }).results !== undefined, undefined, { timeout: 20_000 })
      .catch((e: unknown) => { throw new Error(`${String(e)}\n${logs.join('\n')}`); });
    const results = await page.evaluate(() => (globalThis as unknown as { results: unknown }).results);
    expect(results, logs.join('\n')).toEqual({
      roundtrip: 'HI', nodes: ['w1 up', 'w2 up'], pulses: '10', unblock: 'yes',
      terminated: 'EHOSTDOWN', terminatedWithin100ms: true, afterwards: 'EBADF',
    });
  }, 60_000);

  it('should pass browser Worker options ({ type, name, credentials }) and workerData to module Web Workers', async () => {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    page.on('requestfailed', (r) => logs.push(`failed: ${r.url()}`));
    await page.goto(`${base}/spec/browser/options.html`);
    await page.waitForFunction(() => (globalThis as unknown as { results?: unknown }).results !== undefined, undefined, { timeout: 20_000 })
      .catch((e: unknown) => { throw new Error(`${String(e)}\n${logs.join('\n')}`); });
    const results = await page.evaluate(() => (globalThis as unknown as { results: unknown }).results);
    expect(results, logs.join('\n')).toEqual({
      withData: { node: 'o1', name: 'opts-one', data: { greeting: 'hello', list: [1, 2, 3], when: '1970-01-01T00:00:00.000Z' }, dateCloned: true, module: true },
      withoutData: { node: 'o2', name: '', data: '(undefined)', dateCloned: false, module: true },
      topLevel: 'top-level',
      // data that cannot be cloned: startWorkerNode throws, and the kernel never had a node o4
      uncloneable: 'DataCloneError',
      nodes: ['o1 up', 'o2 up', 'o3 up'],
    });
  }, 60_000);
});
