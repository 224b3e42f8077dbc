// The baseline worker of raw.messageport.pingpong: every message goes back as it came.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (m) => parentPort.postMessage(m));
