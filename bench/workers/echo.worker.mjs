// The worker node of the worker.* bench rows: 'echo' answers every message with its own bytes.
import { messages } from 'rxnto/operators';
import { joinParent } from 'rxnto/worker';

const system = await joinParent();
const echo = system.process({ name: 'echo' }).attach('echo', { global: true });
// four receiving threads: sends in flight are taken as they come
for (let i = 0; i < 4; i++) echo.pipe(messages()).subscribe((m) => m.replyBytes(m.bytes));
