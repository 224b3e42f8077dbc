// The link conformance suite over NATS with a domain key: every case as without one (every NATS
// message MACed and checked, sync replies and name answers bound to their request).
import { afterAll, beforeAll } from 'vitest';
import { linkSuite } from './conformance.js';
import { natsNet } from './natsConformance.js';
import { KEY } from './natsPair.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

linkSuite('NATS with a domain key (a real nats-server), real time', () => natsNet(server, KEY));
