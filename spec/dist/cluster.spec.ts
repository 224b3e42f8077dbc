import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Issue 15's cluster example through the built package: a nats-server and three Node processes;
// the client loses the sensor that served it (SIGKILL) and goes on through the other provider.
describe('examples/cluster (built package, a real nats-server)', () => {
  it('should read six times, see EHOSTDOWN once when its sensor is killed, and go on through the other', () => {
    const out = execFileSync(process.execPath, ['examples/cluster/run.mjs'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } });
    const readings = [...out.matchAll(/^client: (s\d) reading (\d)$/gm)].map((m) => [m[1], Number(m[2])]);
    const killed = /^orchestrator: SIGKILL to (s\d)$/m.exec(out)?.[1];
    expect(killed).toMatch(/^s[12]$/);
    const other = killed === 's1' ? 's2' : 's1';
    expect(readings).toEqual([[killed, 1], [killed, 2], [killed, 3], [other, 1], [other, 2], [other, 3]]);
    expect(out.match(/^client: EHOSTDOWN$/gm)).toHaveLength(1);
    expect(out).toContain('--- pidin of client');
    expect(out).toContain(`--- pidin of ${other}`);
    expect(out).toMatch(new RegExp(`node \\{"node":"${killed}","nd":\\d+,"state":"down","reason":"heartbeat"\\}`));
  }, 70_000);
});
