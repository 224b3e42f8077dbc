// A worker node: serves the global name 'upper'; 'hold' is kept unanswered.
import { utf8 } from 'rxnto';
import { messages } from 'rxnto/operators';
import { joinParent } from 'rxnto/worker';

const system = await joinParent();
system.process({ name: 'upper' }).attach('upper', { global: true, codec: utf8 })
  .pipe(messages())
  .subscribe((m) => { if (m.data !== 'hold') m.reply(`${m.data.toUpperCase()} from ${system.node}`); });
