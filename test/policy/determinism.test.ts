import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { schedule, formatGraphXml, applyGraphToCib, parseGraphXml, compareGraphs } from '../../src/policy/index.js';
import { CASES_DIR } from './cases.js';

function load(name: string) {
  const r = parseCib(readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8'));
  assert.ok(r.ok, `${name} parses`);
  return r.val;
}

const NOW = 1_700_000_000;

test('scheduling twice gives the identical graph text', () => {
  for (const name of ['simple2', 'group5', 'rec-node-2', 'rsc_dep1', 'order1']) {
    const cib = load(name);
    const a = formatGraphXml(schedule(cib, { now: NOW }));
    const b = formatGraphXml(schedule(cib, { now: NOW }));
    assert.equal(a, b, name);
    assert.ok(a.startsWith('<transition_graph'), name);
  }
});

test('the graph XML reads back to the same graph', () => {
  const res = schedule(load('group5'), { now: NOW });
  const back = parseGraphXml(formatGraphXml(res));
  assert.ok(back.ok);
  assert.ok(compareGraphs(back.val, res.graph).equal);
  assert.ok(res.graph.actions.length > 5);
});

test('applying the graph and scheduling again leaves nothing to do', () => {
  for (const name of ['simple2', 'simple6', 'group1', 'group5', 'rsc_dep3', 'order4']) {
    const cib = load(name);
    const first = schedule(cib, { now: NOW });
    assert.ok(first.graph.actions.some((a) => a.operation === 'start' || a.operation === 'stop'), `${name} has work`);
    const after = applyGraphToCib(cib, first.graph);
    const second = schedule(after, { now: NOW });
    const moves = second.graph.actions.filter((a) => a.kind === 'rsc_op' && ['start', 'stop'].includes(a.operation));
    assert.deepEqual(moves.map((a) => a.key), [], name);
  }
});
