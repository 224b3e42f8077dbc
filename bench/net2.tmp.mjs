import { netLoopbackRoundtrip } from './cases/net.mjs';
const f = netLoopbackRoundtrip(); for (let i = 0; i < 20; i++) f(5000);
const s = process.hrtime.bigint(); f(200000); console.log((Number(process.hrtime.bigint() - s) / 200000).toFixed(0), 'ns');
