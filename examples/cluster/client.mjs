// The client node: reads the global name 'sensor' six times (each open binds one provider, in
// turn); after the third reading it asks the orchestrator to kill the node that served it, then
// goes on through the other provider. It prints its pidin and its trace at the end.
import { firstValueFrom, retry } from 'rxjs';
import { createSystem, formatPidin, utf8 } from 'rxnto';
import { joinNats } from 'rxnto/nats';

const [url, domain] = process.argv.slice(2);
const system = createSystem({ node: 'client', net: { heartbeatMs: 200, missed: 3 } });
const trace = [];
system.trace$.subscribe((e) => { if (e.kind === 'node' || e.kind === 'send' || e.kind === 'connect') trace.push(`${e.kind} ${JSON.stringify(e.detail)}`); });
const net = await joinNats(system, { servers: url, domain });
const names = system.kernel.net.names;
while (names.providers('sensor').length < 2) await new Promise((r) => setTimeout(r, 10));
const proc = system.process({ name: 'reader' });
const open = () => firstValueFrom(proc.open('sensor', { global: true, codec: utf8 }).pipe(retry({ count: 300, delay: 10 })));
let conn = await open();
for (let i = 1; i <= 6;) {
  const r = await firstValueFrom(conn.send('read')).then((x) => x.data, (e) => e.code);
  console.log(`client: ${r}`);
  // its node died under the send (EHOSTDOWN), or was known dead (EBADF): the name again
  if (r === 'EHOSTDOWN' || r === 'EBADF') { conn = await open(); continue; }
  if (i === 3) {
    console.log(`kill ${r.split(' ')[0]}`); // the orchestrator kills the node that served us
    await new Promise((res) => setTimeout(res, 100));
  }
  i++;
}
console.log(`--- pidin of client\n${formatPidin(system.snapshot())}`);
console.log(`--- trace of client\n${trace.join('\n')}`);
await net.close();
process.exit(0);
