// Joining a NATS domain (a sketch: it needs your server and your key). Type-checked by npm test.
import { createSystem } from 'rxnto';
import { joinNats } from 'rxnto/nats';

const system = createSystem({ node: 'h1' });                 // node names are NATS subject tokens
const net = await joinNats(system, {
  servers: 'tls://10.0.0.5:4222', domain: 'lab',
  key: process.env.LAB_KEY!,                                   // the same on every node of 'lab' (≥ 16 bytes)
  user: 'lab', pass: process.env.NATS_PASS!,                   // the NATS client's own options
});
// … attach global names, open them, connect({ node: 'h2', pid, chid }) as on any node …
await net.close();                                             // peers learn at once that h1 left
