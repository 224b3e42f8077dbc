// The baseline worker of raw.postmessage.bufferCount100: acknowledges each batch with its length.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (batch) => parentPort.postMessage(batch.length));
