// A Web Worker node: w1 serves the global name 'upper' (and holds 'slow' until it is cancelled,
// then remembers it); w2 counts the pulses it receives and answers the count.
import { utf8 } from 'rxnto';
import { joinParent } from 'rxnto/worker';

const system = await joinParent();
const proc = system.process({ name: system.node });
if (system.node === 'w1') {
  let cancelled = 'no';
  proc.attach('upper', { global: true, codec: utf8 }).subscribe((m) => {
    if (m.kind === 'pulse') return;
    if (m.data === 'slow') {
      m.signal.addEventListener('abort', () => { cancelled = 'yes'; m.error(-1); });
      return;
    }
    m.reply(m.data === 'cancelled?' ? cancelled : m.data.toUpperCase());
  });
} else {
  let pulses = 0;
  proc.attach('counter', { global: true, codec: utf8 }).subscribe((m) => {
    if (m.kind === 'pulse') { if (m.code === 5) pulses += m.value; return; }
    m.reply(String(pulses));
  });
}
