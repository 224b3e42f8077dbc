// A module Web Worker node for the worker-options page: serves the global name `opts-<node>`,
// answering what it was started with: its workerData (from joinParent), its Worker name and
// whether it runs as a module (it does if it runs at all: it imports).
import { utf8 } from 'rxnto';
import { joinParent } from 'rxnto/worker';

const system = await joinParent();
const { workerData } = system;
system.process({ name: 'opts' }).attach(`opts-${system.node}`, { global: true, codec: utf8 }).subscribe((m) => {
  if (m.kind === 'pulse') return;
  m.reply(JSON.stringify({
    node: system.node,
    name: self.name,
    data: workerData === undefined ? '(undefined)' : workerData,
    dateCloned: workerData?.when instanceof Date,
    module: typeof import.meta.url === 'string',
  }));
});
