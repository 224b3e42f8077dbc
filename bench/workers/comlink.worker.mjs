// The baseline worker of comlink.call: echo(bytes) returns them.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

Comlink.expose({ echo: (bytes) => bytes }, nodeEndpoint(parentPort));
