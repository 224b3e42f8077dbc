// The live inspector: a page and a JSON API of the running system, on loopback, behind a token.
import { VirtualClock, createSystem, utf8 } from 'rxnto';
import { inspect } from 'rxnto/inspector';

const system = createSystem({ scheduler: new VirtualClock() });
const server = system.process({ name: 'server' });
const ch = server.channel({ codec: utf8 }); // nobody receives on it: its client waits
system.process({ name: 'client' }).connect(ch, { codec: utf8 }).send('anyone?').subscribe();

const inspector = await inspect(system); // 127.0.0.1, a free port, a random token, read-only
console.log(inspector.url.replace(/:\d+\/\?token=[0-9a-f]+$/, ':<port>/?token=<64 hex digits>'));

// what the page shows is JSON: every request carries the token (or gets 401)
const token = new URL(inspector.url).searchParams.get('token');
const get = (path, init = {}) => fetch(new URL(path, inspector.url), { ...init, headers: { Authorization: `Bearer ${token}` } });
const pidin = await (await get('/api/v1/pidin')).json();
for (const t of pidin.nodes[0].data.threads) console.log(`${t.pid}/${t.tid} ${t.name} ${t.state} ${t.blocked}`.trim());
const graph = await (await get('/api/v1/graph')).json();
for (const e of graph.nodes[0].data.edges) console.log(`${e.from} ${e.kind} ${e.to}`);
console.log(`without the token: ${(await fetch(new URL('/api/v1/pidin', inspector.url))).status}`);
console.log(`a write without allowWrite: ${(await get('/api/v1/actions/kill', { method: 'POST', body: '{"pid":1}' })).status}`);
await inspector.close();
