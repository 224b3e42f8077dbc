// The link conformance suite over NATS, in real time, against a real nats-server on 127.0.0.1:
// three kernels of this process, each with a connection of its own, in a domain per case.
import { afterAll, beforeAll } from 'vitest';
import { linkSuite } from './conformance.js';
import { natsNet } from './natsConformance.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

linkSuite('NATS (a real nats-server), real time', () => natsNet(server));
