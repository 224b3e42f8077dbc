// The published package as a user gets it: `npm pack`, install the tarball in a fresh project,
// import every subpath through ESM and CommonJS, and type-check a TypeScript consumer against the
// shipped .d.ts files (ESM and CJS resolution). `npm test` builds first. ix (IxJS) is an optional
// peer (issue 22): it is not installed here, so every import and the type-check run without it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve('.');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const subpaths = ['rxnto', 'rxnto/operators', 'rxnto/constants', 'rxnto/neutrino', 'rxnto/testing', 'rxnto/worker'];
let dir = '';
let installWarnings = '';

const run = (cmd: string, args: string[], cwd = dir): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxnto-consumer-'));
  const tarball = run(npm, ['pack', '--silent', '--pack-destination', dir], root).trim().split('\n').at(-1)!;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  // rxjs is a peer dependency; everything comes from the npm cache when it can
  const rxjs = JSON.parse(readFileSync(join(root, 'node_modules/rxjs/package.json'), 'utf8')).version as string;
  // and @nats-io/transport-node, the optional peer of rxnto/nats
  const nats = JSON.parse(readFileSync(join(root, 'node_modules/@nats-io/transport-node/package.json'), 'utf8')).version as string;
  const install = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball), `rxjs@${rxjs}`, `@nats-io/transport-node@${nats}`], { cwd: dir, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr}`);
  installWarnings = install.stderr;
}, 180_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('installed tarball', () => {
  it('should install with no engine warning on this Node (what a consumer installs supports the engines rxnto claims)', () => {
    expect(installWarnings).not.toMatch(/EBADENGINE|Unsupported engine/);
    const claimed = (JSON.parse(readFileSync(join(dir, 'node_modules/rxnto/package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(claimed).toBe('>=20');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });

  it('should install without ix (an optional peer, issue 22) and ship no import of it', () => {
    expect(existsSync(join(dir, 'node_modules/rxnto/package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/ix'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/rxnto/package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> };
    expect(pkg.dependencies?.ix).toBeUndefined();
    expect(pkg.peerDependenciesMeta?.ix?.optional).toBe(true);
    // nothing in the installed package imports or requires ix (in code or in its .d.ts)
    const grep = run(process.execPath, ['-e', `const fs = require('node:fs'), path = require('node:path');
const hits = [];
const walk = (d) => { for (const n of fs.readdirSync(d)) { const p = path.join(d, n); if (fs.statSync(p).isDirectory()) walk(p);
  else if (/\\.(c|m)?js$|\\.d\\.(c|m)?ts$/.test(n) && /(from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*)['"]ix(\\/|['"])/.test(fs.readFileSync(p, 'utf8').replace(/\\/\\*[\\s\\S]*?\\*\\//g, ''))) hits.push(p); } };
walk('node_modules/rxnto/dist');
console.log(JSON.stringify(hits));`]);
    expect(JSON.parse(grep)).toEqual([]);
  });

  it('should import every subpath through ESM', () => {
    writeFileSync(join(dir, 'esm.mjs'), `${subpaths.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}
console.log(JSON.stringify([${subpaths.map((_, i) => `Object.keys(m${i}).length`).join(', ')}]));`);
    const counts = JSON.parse(run(process.execPath, ['esm.mjs'])) as number[];
    expect(counts.every((n) => n > 3)).toBe(true);
  });

  it('should keep QNX constants out of the main entry (issue 21): they are in rxnto/constants and rxnto/neutrino', () => {
    writeFileSync(join(dir, 'constants.mjs'), `import * as main from 'rxnto';
import * as constants from 'rxnto/constants';
import * as neutrino from 'rxnto/neutrino';
const qnx = (m) => Object.keys(m).filter((k) => /^_[A-Z]|^(O|S|SIGEV|ND2S|NAME_FLAG|STATE)_/.test(k));
console.log(JSON.stringify({ main: qnx(main), constants: qnx(constants).length, inNeutrino: qnx(constants).every((k) => k in neutrino), chf: constants._NTO_CHF_UNBLOCK }));`);
    const out = JSON.parse(run(process.execPath, ['constants.mjs'])) as { main: string[]; constants: number; inNeutrino: boolean; chf: number };
    expect(out.main).toEqual([]);
    expect(out.constants).toBeGreaterThan(100);
    expect(out.inNeutrino).toBe(true);
    expect(out.chf).toBe(0x0002);
  });

  it('should require every subpath through CommonJS', () => {
    writeFileSync(join(dir, 'cjs.cjs'), `const counts = [${subpaths.map((s) => `Object.keys(require('${s}')).length`).join(', ')}];
const { Kernel, VirtualClock } = require('rxnto');
const k = new Kernel({ scheduler: new VirtualClock() });
const t = k.createThread(k.createProcess({ name: 'x' }));
console.log(JSON.stringify({ counts, chid: k.channelCreate(t, 0) }));`);
    const out = JSON.parse(run(process.execPath, ['cjs.cjs'])) as { counts: number[]; chid: number };
    expect(out.counts.every((n) => n > 3)).toBe(true);
    expect(out.chid).toBe(1);
  });

  it('should load rxnto/nats through ESM and CommonJS (with its optional peer installed)', () => {
    writeFileSync(join(dir, 'nats.mjs'), `import { joinNats } from 'rxnto/nats';
import { createRequire } from 'node:module';
console.log(JSON.stringify([typeof joinNats, typeof createRequire(import.meta.url)('rxnto/nats').joinNats]));`);
    expect(JSON.parse(run(process.execPath, ['nats.mjs']))).toEqual(['function', 'function']);
  });

  it('should type-check a TypeScript consumer against the shipped types (ESM and CJS resolution)', () => {
    const consumer = `import { createSystem, Router, VirtualClock, utf8, type Channel } from 'rxnto';
import { messages, replyWith, triggerBatch } from 'rxnto/operators';
import { MsgSend, asyncmsg_put, dispatch_create, netmgr_strtond, type _msg_info } from 'rxnto/neutrino';
import { MarbleHarness, connectLoopback, type Loopback } from 'rxnto/testing';
import { joinNats, type NatsNetwork, type NatsOptions } from 'rxnto/nats';
import { _NTO_CHF_DISCONNECT } from 'rxnto/constants';
import { putTo } from 'rxnto/operators';
import { RemoteError, isRemoteError, type NetStats, type PullIterable, type Received, type AsyncBatch } from 'rxnto';
const natsOptions: NatsOptions = { servers: 'nats://127.0.0.1:4222', domain: 'lab', probeMs: 500, resendBytes: 1 << 20 };
const joined: (s: ReturnType<typeof createSystem>) => Promise<NatsNetwork> = (s) => joinNats(s, natsOptions);
const system = createSystem({ scheduler: new VirtualClock() });
const ch: Channel<string, string> = system.process().channel({ codec: utf8 });
ch.pipe(messages(), replyWith((s: string) => s.toUpperCase())).subscribe();
const router = new Router(system.process().channel()).message(0x5000, 0x5fff, (data: Uint8Array) => data);
const n: Promise<number> = MsgSend(1, 'x', undefined, null, 0);
const p: Promise<number> = asyncmsg_put(1, 'x', undefined, 0, null);
const info: _msg_info | null = null;
const clock = new VirtualClock();
const a = createSystem({ node: 'a', scheduler: clock });
const b = createSystem({ node: 'b', scheduler: clock, net: { heartbeatMs: 500 } });
const link: Loopback = connectLoopback(a, b, { latency: 1 });
const nd: number = a.nd('b') + netmgr_strtond('b', null);
a.nodes$.subscribe((e) => (e.state === 'down' || e.state === 'suspect') && e.reason.length > 0);
link.suspend('reconnecting');
link.resume();
const remote = a.process().connect({ node: 'b', pid: 1, chid: 1 });
const stats: NetStats = a.netStats();
const keyed = connectLoopback(a, createSystem({ node: 'c', scheduler: clock }), { key: 'a domain key of 16+ bytes' });
const waiting = a.process().open('svc', { global: true, wait: 1000 });
const flags: number = _NTO_CHF_DISCONNECT;
const failed: boolean = isRemoteError(new RemoteError({ name: 'Error', message: 'x' }));
const puts = putTo;
// receive() is a plain AsyncIterable (no ix types needed): for await, and an iterator given a signal
const pulled: PullIterable<Received<string, string>> = ch.receive({ signal: AbortSignal.timeout(1000) });
const batches: AsyncIterable<AsyncBatch<string>> = system.process().asyncChannel({ codec: utf8 }).receive();
async function drain(): Promise<string[]> {
  const got: string[] = [];
  for await (const m of pulled) if (m.kind === 'message') { got.push(m.data); m.reply(m.data); break; }
  for await (const b of batches) { got.push(...b.map((m) => m.data)); break; }
  await pulled[Symbol.asyncIterator](new AbortController().signal).return?.();
  return got;
}
export { router, n, p, info, triggerBatch, dispatch_create, MarbleHarness, link, nd, remote, joined, stats, keyed, waiting, flags, failed, puts, drain };
`;
    writeFileSync(join(dir, 'consumer.mts'), consumer);
    writeFileSync(join(dir, 'consumer.cts'), consumer.replace(/^export .*$/m, 'export = { router, n, p, info, triggerBatch, dispatch_create, MarbleHarness, link, nd, remote, joined, stats, keyed, waiting, flags, failed, puts, drain };'));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types')];
    expect(() => run(process.execPath, [tsc, ...flags, 'consumer.mts', 'consumer.cts'])).not.toThrow();
  });
});
