import { messages } from 'rxnto/operators';
import { joinParent } from 'rxnto/worker';
const system = await joinParent();
const echo = system.process({ name: 'echo' }).attach('echo', { global: true });
const out = new Float64Array(8);
echo.pipe(messages()).subscribe((m) => { out[0] = performance.timeOrigin + performance.now(); m.replyBytes(new Uint8Array(out.buffer)); });
