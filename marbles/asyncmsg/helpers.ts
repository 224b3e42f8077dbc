// Shared set-up of the technote examples: a receiver's async channel and a sender's connection.
import { map } from 'rxjs';
import { utf8, type AsyncConnectOptions } from '../../src/index.js';
import type { MarbleHarness } from '../../src/testing/index.js';

export function asyncPair(h: MarbleHarness, options: Omit<AsyncConnectOptions<string>, 'codec'>) {
  const inbox = h.process('receiver').asyncChannel({ codec: utf8, bufferSize: 2048, maxNumBuffer: 5 });
  const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 5, ...options });
  /** Each batch as the messages' text joined by '+'. */
  const batches = inbox.pipe(map((b) => b.map((m) => m.data).join('+')));
  return { inbox, out, batches };
}
