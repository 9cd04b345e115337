import { test } from 'node:test';
import { failoverScenario } from './scenario.js';

test('5 quorate node processes over unicast UDP: kill -9 of the DC, a new DC fences it, recovery and rejoin', { timeout: 60_000 }, async t => {
  const r = await failoverScenario({ nodes: 5, transport: 'udpu', tokenMs: 500 }, msg => t.diagnostic(msg), 'dc');
  t.diagnostic(`udpu5: detect ${r.detectMs} ms, recover ${r.recoverMs} ms, rejoin ${r.rejoinMs} ms`);
});
