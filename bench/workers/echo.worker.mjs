// The worker node of the worker.* bench rows: 'echo' answers every message with its own bytes.
// workerData.link: the worker link's options of this end (worker.sync.roundtrip.spin: { spinMicros: 20 }).
import { workerData } from 'node:worker_threads';
import { messages } from 'rxnto/operators';
import { joinParent } from 'rxnto/worker';

const system = await joinParent({ ...workerData?.link });
const echo = system.process({ name: 'echo' }).attach('echo', { global: true });
// four receiving threads: sends in flight are taken as they come
for (let i = 0; i < 4; i++) echo.pipe(messages()).subscribe((m) => m.replyBytes(m.bytes));
