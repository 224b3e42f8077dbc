// Runs against the built package through its own name (package self-reference), as CommonJS.
const { Kernel, VirtualClock, isKernelError } = require('rxnto');
const neutrino = require('rxnto/neutrino');
const testing = require('rxnto/testing');
const { messages, replyWith } = require('rxnto/operators');
const { createSystem, utf8 } = require('rxnto');

const kernel = new Kernel({ scheduler: new VirtualClock() });
const t = kernel.createThread(kernel.createProcess());
let code = '';
try { kernel.connectDetach(t, 12345); } catch (e) { code = isKernelError(e) ? e.code : 'other'; }
const system = createSystem({ scheduler: new VirtualClock() });
const ch = system.process().channel({ codec: utf8 });
ch.pipe(messages(), replyWith((s) => `${s}!`)).subscribe();
let rx = null;
system.process().connect(ch, { codec: utf8 }).send('four').subscribe((r) => { rx = r.data; });
console.log(JSON.stringify({ code, EOK: neutrino.EOK, chid: neutrino.ChannelCreate(0), hasRunVirtual: typeof testing.runVirtual, rx }));
