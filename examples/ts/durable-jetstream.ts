// A durable receiver on JetStream with the effectively-once hook (docs/durable.md): the app keeps
// its high-water marks with its own state, written before each batch is released, and passes
// them back as `resume` when it starts again.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { createSystem, utf8 } from 'rxnto';
import { jetStreamLog } from 'rxnto/nats';
import { holdMap } from 'rxnto/operators';

const nc = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
const log = await jetStreamLog(nc, { stream: 'ORDERS' });
if (!log.features.syncInterval) console.warn(`nats-server ${log.features.version}: no sync_interval, acknowledged writes ride on the OS page cache`);
const system = createSystem({ node: 'mill', net: { durable: { log, ackWaitMs: 30_000, maxDeliver: 5 } } });

// the app's state: what it made of the orders, and the marks that say which orders that covers
type State = { readonly total: number; readonly marks: Record<string, number> };
const file = 'mill-state.json';
let state: State = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as State) : { total: 0, marks: {} };

const inbox = system.process({ name: 'mill' }).asyncChannel({ durable: 'orders', codec: utf8, resume: state.marks });
inbox.events$.subscribe((e) => { if (e.type !== 'duplicate') console.log(e); });
inbox.pipe(holdMap(async (batch) => {
  const marks = { ...state.marks };
  for (const m of batch) marks[m.mark[0]] = m.mark[1];
  state = { total: state.total + batch.length, marks };
  // the state and its marks in one write: a crash before it leaves both as they were
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
})).subscribe();
system.stalls$.subscribe((s) => console.warn(`${s.name}: ${s.state} ${s.blocked}`));
