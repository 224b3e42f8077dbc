// Runs against the built package through its own name (package self-reference), as CommonJS.
const { Kernel, VirtualClock, isKernelError } = require('rxnto');
const neutrino = require('rxnto/neutrino');
const testing = require('rxnto/testing');
const { messages, replyWith, triggerBatch } = require('rxnto/operators');
const { from } = require('rxjs');
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
// asynchronous messaging: a count trigger of 2 through the binding, and the operator
const inbox = system.process().asyncChannel({ codec: utf8 });
const batches = [];
inbox.subscribe((b) => batches.push(b.map((m) => m.data).join('+')));
const out = system.process().asyncConnect(inbox, { codec: utf8, count: 2 });
out.next('x');
out.next('y');
const ops = [];
from([1, 2, 3]).pipe(triggerBatch({ count: 2 })).subscribe((b) => ops.push(b.length));
console.log(JSON.stringify({ code, EOK: neutrino.EOK, chid: neutrino.ChannelCreate(0), hasRunVirtual: typeof testing.runVirtual, rx, async: batches, ops, put: typeof neutrino.asyncmsg_put }));
