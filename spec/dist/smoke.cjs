// Runs against the built package through its own name (package self-reference), as CommonJS.
const { Kernel, VirtualClock, isKernelError } = require('rxnto');
const neutrino = require('rxnto/neutrino');
const testing = require('rxnto/testing');
require('rxnto/operators');

const kernel = new Kernel({ scheduler: new VirtualClock() });
const t = kernel.createThread(kernel.createProcess());
let code = '';
try { kernel.connectDetach(t, 12345); } catch (e) { code = isKernelError(e) ? e.code : 'other'; }
console.log(JSON.stringify({ code, EOK: neutrino.EOK, chid: neutrino.ChannelCreate(0), hasRunVirtual: typeof testing.runVirtual }));
