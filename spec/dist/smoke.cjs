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
// the dispatch layer: a router over a channel, and the C entry's dispatch handle
const { Router } = require('rxnto');
const routed = system.process().channel();
const router = new Router(routed, { loWater: 1 }).message(0x5000, 0x5000, () => utf8.encode('routed'));
router.start();
let dispatched = null;
system.process().connect(routed).sendBytes(new Uint8Array([0, 0x50])).subscribe((r) => { dispatched = utf8.decode(r.bytes); });
const dpp = neutrino.dispatch_create();
const attached = neutrino.message_attach(dpp, null, 0x5000, 0x5fff, () => 0, null);
console.log(JSON.stringify({ dispatched, attached, dispatchTo: typeof require('rxnto/operators').dispatchTo, code, EOK: neutrino.EOK, chid: neutrino.ChannelCreate(0), hasRunVirtual: typeof testing.runVirtual, rx, async: batches, ops, put: typeof neutrino.asyncmsg_put }));
