import { test } from 'node:test';
import { failoverScenario } from './scenario.js';

test('3 quorate node processes over TCP totem: form, elect a DC, run Dummy, survive kill -9, rejoin with the newest CIB', { timeout: 60_000 }, async t => {
  const r = await failoverScenario({ nodes: 3, transport: 'tcp', tokenMs: 500 }, msg => t.diagnostic(msg));
  t.diagnostic(`tcp: detect ${r.detectMs} ms, recover ${r.recoverMs} ms, rejoin ${r.rejoinMs} ms`);
});
