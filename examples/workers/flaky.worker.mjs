// A worker node whose server crashes (an uncaught exception ends the worker) on its third request.
import { utf8 } from 'rxnto';
import { messages } from 'rxnto/operators';
import { joinParent } from 'rxnto/worker';

const system = await joinParent();
let served = 0;
system.process({ name: 'sensor' }).attach('sensor', { global: true, codec: utf8 }).pipe(messages()).subscribe((m) => {
  if (++served === 3) setTimeout(() => { throw new Error('sensor failure'); });
  else m.reply(`reading ${served} of ${system.node}`);
});
