// The inspector's security model and its answers to hostile input: every route needs the token
// (401), writes need allowWrite (403), loopback unless a host is given, and bad input is a 400
// with a message, never a crash.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, VirtualClock } from '../../src/kernel/index.js';
import { findPageDir, serveAsset } from '../../src/inspector/assets.js';
import { HttpError } from '../../src/inspector/http.js';
import { inspect, type Inspector } from '../../src/inspector/index.js';
import { ERROR_ANSWER, expectShape } from './helpers.js';

let open: Inspector[] = [];
afterEach(async () => {
  await Promise.all(open.map((i) => i.close()));
  open = [];
});

async function start(options: Parameters<typeof inspect>[1] = {}) {
  const kernel = new Kernel({ scheduler: new VirtualClock() });
  const inspector = await inspect(kernel, options);
  open.push(inspector);
  const url = new URL(inspector.url);
  const token = url.searchParams.get('token')!;
  const at = (path: string, withToken = true): string => `${url.origin}${path}${withToken ? `${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : ''}`;
  return { kernel, inspector, url, token, at };
}

/** A raw request (fetch refuses some methods and bodies a hostile client sends). */
function raw(url: string, method: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('inspector security', () => {
  it('should give a loopback URL with a long random token, different each time', async () => {
    const a = await start();
    const b = await start();
    expect(a.url.hostname).toBe('127.0.0.1');
    expect(a.url.pathname).toBe('/');
    expect(a.token).toMatch(/^[0-9a-f]{64}$/);
    expect(a.token).not.toBe(b.token);
    expect(Number(a.url.port)).toBeGreaterThan(0);
  });

  it('should answer 401 on every route without the token or with a wrong one, and take it as a query or a Bearer header', async () => {
    const { at, token } = await start({ allowWrite: true });
    const routes = ['/', '/app.js', '/api/v1/pidin', '/api/v1/nodes', '/api/v1/channels', '/api/v1/graph', '/api/v1/events', '/api/v1/inspector', '/api/v1/nope', '/../../etc/passwd'];
    for (const path of routes) {
      for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${token}` }] as Record<string, string>[]) {
        const res = await fetch(at(path, false), { headers });
        expect(res.status, path).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expectShape(await res.json(), ERROR_ANSWER);
      }
      const wrong = await fetch(`${at(path, false)}?token=${'0'.repeat(64)}`);
      expect(wrong.status).toBe(401);
      await wrong.body?.cancel();
    }
    for (const action of ['kill', 'unblock', 'pulse']) {
      const res = await fetch(at(`/api/v1/actions/${action}`, false), { method: 'POST', body: '{"pid":1}' });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
    expect((await fetch(at('/api/v1/pidin'))).status).toBe(200);
    expect((await fetch(at('/api/v1/pidin', false), { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    // the page's cookie opens its files only, never the API
    const api = await fetch(at('/api/v1/pidin', false), { headers: { Cookie: `rxnto_inspector_${new URL(at('/')).port}=${token}` } });
    expect(api.status).toBe(401);
  });

  it('should refuse the write actions without allowWrite (403), whatever the body', async () => {
    const { at, kernel } = await start();
    const p = kernel.createProcess({ name: 'victim' });
    for (const [action, body] of [['kill', { pid: p.pid }], ['unblock', { pid: p.pid, tid: 1 }], ['pulse', { pid: p.pid, chid: 1, code: 1, value: 0 }], ['kill', 'not json']] as const) {
      const res = await fetch(at(`/api/v1/actions/${action}`), { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(res.status).toBe(403);
      expectShape(await res.json(), ERROR_ANSWER);
    }
    expect(p.alive).toBe(true);
  });

  it('should answer only GET and POST (405), 404 for unknown routes and actions', async () => {
    const { at } = await start({ allowWrite: true });
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
      const res = await raw(at('/api/v1/pidin'), method);
      expect(res.status, method).toBe(405);
    }
    expect((await fetch(at('/api/v1/pidin'), { method: 'POST' })).status).toBe(405);
    expect((await fetch(at('/api/v1/actions/kill'))).status).toBe(405);
    expect((await fetch(at('/api/v1/nope'))).status).toBe(404);
    expect((await fetch(at('/api/v2/pidin'))).status).toBe(404);
    const res = await fetch(at('/api/v1/actions/reboot'), { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expectShape(await res.json(), ERROR_ANSWER);
  });

  it('should answer hostile input with 400 and a clear message, and go on serving', async () => {
    const { at, kernel } = await start({ allowWrite: true });
    const p = kernel.createProcess({ name: 'target' });
    const post = async (body: string | Buffer, action = 'kill'): Promise<{ status: number; error: string }> => {
      const res = await raw(at(`/api/v1/actions/${action}`), 'POST', body, { 'Content-Type': 'application/json' });
      const parsed = JSON.parse(res.body) as { error: string };
      expectShape(parsed, ERROR_ANSWER);
      return { status: res.status, error: parsed.error };
    };
    expect(await post('{"pid":')).toEqual({ status: 400, error: 'the body is not JSON' });
    expect(await post('[1,2]')).toEqual({ status: 400, error: 'the body must be a JSON object' });
    expect(await post('42')).toEqual({ status: 400, error: 'the body must be a JSON object' });
    expect(await post(Buffer.alloc(65 * 1024, 0x20))).toEqual({ status: 400, error: 'the body is larger than 65536 bytes' });
    for (const pid of ['"1"', '1.5', '-1', '0', '1e99', 'null', '9007199254740993']) {
      expect(await post(`{"pid":${pid}}`)).toEqual({ status: 400, error: 'pid must be an integer from 1 to 2147483647' });
    }
    expect(await post(`{"pid":${p.pid},"chid":1,"code":1000,"value":0}`, 'pulse')).toEqual({ status: 400, error: 'code must be an integer from -128 to 127' });
    expect(await post(`{"pid":${p.pid},"chid":1,"code":1,"value":4294967296}`, 'pulse')).toEqual({ status: 400, error: 'value must be an integer from -2147483648 to 2147483647' });
    expect(await post(`{"action":"pulse","pid":${p.pid}}`)).toEqual({ status: 400, error: "the body's action (pulse) is not the path's (kill)" });
    expect((await post('{"pid":99999}')).status).toBe(404);
    // a body that never ends within the limit: cut at 64 KiB, answered, the server lives on
    const chunked = await raw(at('/api/v1/actions/kill'), 'POST', Buffer.alloc(200 * 1024, 0x7b), { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(400);
    for (const q of ['scope=everywhere', 'scope=']) expect((await fetch(at(`/api/v1/pidin?${q}`))).status).toBe(400);
    expect((await fetch(at('/api/v1/events?views=trace,bogus'))).status).toBe(400);
    const badId = await fetch(at('/api/v1/events'), { headers: { 'Last-Event-ID': '-3' } });
    expect(badId.status).toBe(400);
    expect((await fetch(at('/api/v1/events?lastEventId=1e3'))).status).toBe(400);
    expect((await raw(at('/%E0%A4%A'), 'GET')).status).toBe(400);
    expect(p.alive).toBe(true);
    expect((await fetch(at('/api/v1/pidin'))).status).toBe(200);
  });

  it('should refuse bad options: an empty host, a bad token, a frame period under 10 Hz', async () => {
    const kernel = new Kernel({ scheduler: new VirtualClock() });
    await expect(inspect(kernel, { host: '' })).rejects.toThrow(TypeError);
    await expect(inspect(kernel, { host: '  ' })).rejects.toThrow(TypeError);
    await expect(inspect(kernel, { token: '' })).rejects.toThrow(TypeError);
    await expect(inspect(kernel, { token: 'with space' })).rejects.toThrow(TypeError);
    await expect(inspect(kernel, { frameMs: 500 })).rejects.toThrow(RangeError);
    await expect(inspect(kernel, { frameMs: 5 })).rejects.toThrow(RangeError);
    await expect(inspect(kernel, { port: 70000 })).rejects.toThrow(RangeError);
    await expect(inspect(kernel, { maxQueue: 1.5 })).rejects.toThrow(RangeError);
  });

  it('should take a given token, and bind another interface only when told (the URL names it)', async () => {
    const { url, at } = await start({ token: 'a-token-of-mine' });
    expect(url.searchParams.get('token')).toBe('a-token-of-mine');
    expect((await fetch(at('/api/v1/nodes'))).status).toBe(200);
    const v6 = await start({ host: '::1' }).catch(() => null);
    if (v6 !== null) expect(v6.inspector.url).toMatch(/^http:\/\/\[::1\]:\d+\/\?token=/);
    const taken = Number(url.port);
    await expect(inspect(new Kernel({ scheduler: new VirtualClock() }), { port: taken })).rejects.toThrow(/EADDRINUSE/);
  });

  it('should answer 503 for the page when it is not built, and close idempotently', async () => {
    const { at, inspector } = await start();
    const res = await fetch(at('/'));
    // the built page may exist in this checkout (dist/inspector-page/): either it is served, or the answer says how to build it
    if (res.status === 503) expect(((await res.json()) as { error: string }).error).toMatch(/not built/);
    else {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('set-cookie')).toMatch(/^rxnto_inspector_\d+=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
    }
    await inspector.close();
    await inspector.close();
    await expect(fetch(at('/api/v1/pidin'))).rejects.toThrow();
  });
});

describe('the page files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inspector-page-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>rxnto</title>');
  writeFileSync(join(dir, 'app.js'), 'export {};');
  writeFileSync(join(dir, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(dir, '.secret.json'), '{}');
  writeFileSync(join(dir, 'notes.exe'), 'MZ');

  async function serve(path: string): Promise<{ status: number; type: string | null; body: string }> {
    const server = createServer((req, res) => {
      serveAsset(res, dir, new URL(req.url!, 'http://x').pathname, {}).catch((e: unknown) => {
        res.writeHead(e instanceof HttpError ? e.status : 500);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await raw(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, 'GET');
      const type = await new Promise<string | null>((r) => {
        const req = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, (m) => { m.resume(); r(m.headers['content-type'] ?? null); });
        req.end();
      });
      return { status: res.status, type, body: res.body };
    } finally {
      server.close();
    }
  }

  it('should serve the page and its files with their content types', async () => {
    expect(await findPageDir(['/nonexistent', dir])).toBe(dir);
    expect(await findPageDir(['/nonexistent'])).toBeNull();
    expect(await serve('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>rxnto</title>' });
    expect(await serve('/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await serve('/assets/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
  });

  it('should serve nothing outside the page directory, no hidden file, no unknown type, no directory', async () => {
    for (const path of ['/../security.spec.ts', '/%2e%2e/%2e%2e/package.json', '/..%2Fpackage.json', '/assets/../../x.js', '/.secret.json', '/notes.exe', '/assets', '/assets/', '/%00.js', '/a\\..\\b.js']) {
      expect((await serve(path)).status, path).toBe(404);
    }
  });
});
