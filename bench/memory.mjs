// Runs the memory case in a child process of its own, so that its peak RSS is not the benchmark's.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./cases/asyncMemory.mjs', import.meta.url));

/** async.memory.ring64: 10 million puts through a ring of 64; peak RSS growth in MiB. */
export function memoryCase(puts = 10_000_000) {
  const out = execFileSync(process.execPath, [script, String(puts)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1));
  return { case: 'async.memory.ring64', puts: r.puts, ms: r.ms, peak_rss_growth_mib: r.growth_mib, goal_mib: 64 };
}
