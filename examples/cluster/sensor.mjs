// A sensor node (its name from argv): serves the global name 'sensor'; 'pidin' on stdin prints
// this node's pidin.
import { createSystem, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { joinNats } from 'rxnto/nats';

const [url, domain, node] = process.argv.slice(2);
const system = createSystem({ node, net: { heartbeatMs: 200, missed: 3 } });
await joinNats(system, { servers: url, domain });
let readings = 0;
system.process({ name: 'sensor' }).attach('sensor', { global: true, codec: utf8 })
  .pipe(messages(), replyWith(() => `${node} reading ${++readings}`)).subscribe();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { if (d.includes('pidin')) console.log(`--- pidin of ${node}\n${system.pidin()}`); });
console.log(`${node} ready`);
