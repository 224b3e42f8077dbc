// Figures the code knows, written into the docs between `<!-- generated:NAME -->` and
// `<!-- /generated -->` so that they cannot go stale: `node scripts/docFacts.mjs` rewrites them,
// `node scripts/docFacts.mjs --check` fails when one differs (spec/docs/facts.spec.ts runs it).
// Needs the build (`dist/`) for the errno table and the net defaults.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path) => readFileSync(`${root}${path}`, 'utf8');

const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The size budgets `npm test` enforces (`.size-limit.json`). */
function budgets() {
  const limits = JSON.parse(read('.size-limit.json'));
  return table(['what', 'files', 'budget (brotli)'], limits.map((l) => [l.name.replace(/ \(brotli, per file\)$/, ''), [l.path].flat().map((p) => `\`${p}\``).join(', '), l.limit]));
}

/** The last `npm run bench` (`bench/results.json`). */
function bench() {
  const results = JSON.parse(read('bench/results.json'));
  const fmt = (n) => (typeof n === 'number' ? (Math.abs(n) >= 10 ? n.toFixed(2) : n.toFixed(3)) : '');
  const rows = results.filter((r) => r.ratio !== undefined).map((r) => [
    `\`${r.case}\``,
    r.baseline === undefined ? '' : `\`${r.baseline}\``,
    r.q1 !== undefined ? `${fmt(r.ratio)} (${fmt(r.q1)}–${fmt(r.q3)})` : r.spread !== undefined ? `${fmt(r.ratio)} (IQR ${fmt(r.spread)})` : fmt(r.ratio),
    r.balanced === undefined ? '' : fmt(r.balanced),
    r.goal ?? '',
    r.verdict ?? '',
  ]);
  const memory = results.filter((r) => r.peak_rss_growth_mib !== undefined).map((r) => [`\`${r.case}\``, 'peak RSS growth', `${r.peak_rss_growth_mib} MiB`, '', `< ${r.goal_mib} MiB`, r.peak_rss_growth_mib < r.goal_mib ? 'met' : 'missed']);
  const all = rows.concat(memory);
  // the balanced ratio (geometric mean of a pair's AB and BA samples) only once the bench gives it
  if (results.some((r) => r.balanced !== undefined)) return table(['case', 'against', 'ratio (spread)', 'balanced', 'goal', 'verdict'], all);
  return table(['case', 'against', 'ratio (spread)', 'goal', 'verdict'], all.map((r) => r.filter((_, i) => i !== 3)));
}

/** Every errno of QNX's `<errno.h>`: name, number, message. */
async function errno() {
  const { ERRNO } = await import(`${root}dist/esm/index.js`);
  const { strerror } = await import(`${root}dist/esm/neutrino/index.js`);
  return table(['name', 'number', 'message (`strerror`)'], Object.entries(ERRNO).map(([name, n]) => [`\`${name}\``, String(n), strerror(n)]));
}

/** A node's net options and their defaults, read from a node made with none. */
async function netDefaults() {
  const { Kernel } = await import(`${root}dist/esm/index.js`);
  const net = new Kernel({ net: { node: 'docs' } }).net;
  const mib = (n) => (n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`);
  const rows = [
    ['`heartbeatMs`', `${net.heartbeatMs} ms`, 'a heartbeat to every peer this often'],
    ['`missed`', String(net.missed), 'silent heartbeats before the session is lost (the liveness bound is `heartbeatMs × missed`)'],
    ['`window`', String(net.window), 'sends and pulses in flight per peer; more sends wait SEND-blocked on their own node'],
    ['`maxMessageBytes`', mib(net.maxMessageBytes), 'a larger message is EMSGSIZE'],
    ['`firstChunkBytes`', net.firstChunkBytes === 0 ? 'off' : mib(net.firstChunkBytes), "present only this much to a receive, as Qnet's partial delivery"],
    ['`maxPeers`', String(net.maxPeers), 'peers a node keeps'],
    ['`helloRate`', String(net.helloRate), 'unknown names answered per heartbeat period'],
    ['`asyncAcrossNodes`', String(net.asyncAcross), 'asynchronous messages cross nodes (both must opt in)'],
    ['`squashRemoteRoot`', String(net.squashUid !== -1), 'remote uid or gid 0 acts as `squashUid` (65534)'],
  ];
  return table(['`net` option', 'default', 'what it sets'], rows);
}

export const generators = { budgets, bench, errno, 'net-defaults': netDefaults };

/** The docs that hold generated blocks: README.md and docs/*.md. */
export function docFiles() {
  return ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

const BLOCK = /(<!-- generated:([a-z-]+) -->\n)([\s\S]*?)(\n<!-- \/generated -->)/g;

/** Each generated block of `file`: its name, what it holds and what it should hold. */
export async function blocksOf(file) {
  const text = read(file);
  const out = [];
  for (const m of text.matchAll(BLOCK)) {
    const make = generators[m[2]];
    if (make === undefined) throw new Error(`${file}: no generator named ${m[2]}`);
    out.push({ name: m[2], actual: m[3], expected: await make() });
  }
  return out;
}

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const file of docFiles()) {
    let text = read(file);
    const blocks = await blocksOf(file);
    for (const b of blocks) {
      if (b.actual === b.expected) continue;
      stale++;
      if (check) console.error(`${file}: generated:${b.name} is stale (run node scripts/docFacts.mjs)`);
      else text = text.replace(`<!-- generated:${b.name} -->\n${b.actual}\n<!-- /generated -->`, `<!-- generated:${b.name} -->\n${b.expected}\n<!-- /generated -->`);
    }
    if (!check && blocks.length > 0) writeFileSync(`${root}${file}`, text);
  }
  if (check && stale > 0) process.exit(1);
  console.log(check ? 'docs: generated figures are current' : `docs: ${stale} generated block(s) rewritten`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
