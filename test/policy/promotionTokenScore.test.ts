/**
 * Promotion scores merged from resources colocated with the promoted role
 * (positive-only merge): a node the dependent rejects keeps a token score of 1,
 * and nothing merged later (the group's other members) adds to that token.
 * Expectations from Pacemaker 2.1.5 (promoted-move and crm_simulate on an edited copy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster, executionDate } from '../../src/cib/unpack/unpack.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import { CASES_DIR, loadCases, runCase } from './cases.js';

function run(xml: string): ReturnType<typeof scheduleUnpacked> {
  const cib = parseCib(xml);
  assert.ok(cib.ok);
  const now = executionDate(cib.val) ?? 1_700_000_000;
  return scheduleUnpacked(unpackCluster(cib.val, { now }));
}

const XML = readFileSync(join(CASES_DIR, 'xml', 'promoted-move.xml'), 'utf8');

test('a group member preferring the rejected node does not lift the token score (edited promoted-move)', () => {
  // Stickiness 100 (dummy02 prefers its current node n13 by 100), plus preferences for n14.
  const xml = XML.replace('name="resource-stickiness" value="INFINITY"', 'name="resource-stickiness" value="100"')
    .replace('<rsc_colocation id="rsc_colocation-1"', '<rsc_location id="l2" rsc="dummy02" node="bl460g1n14" score="5000"/>'
      + '<rsc_location id="l3" rsc="dummy03" node="bl460g1n14" score="7000"/>'
      + '<rsc_location id="l1" rsc="dummy01" node="bl460g1n14" score="50"/><rsc_colocation id="rsc_colocation-1"');
  assert.notEqual(xml, XML);
  const r = run(xml);
  assert.ok(r.scores.includes('prmDRBD:0 promotion score on bl460g1n13: 1'), r.scores.filter((l) => l.includes('promotion')).join('\n'));
  assert.ok(r.scores.includes('prmDRBD:1 promotion score on bl460g1n14: 34200'));
  const promote = r.graph.actions.find((a) => (a.internalKey ?? a.key) === 'prmDRBD:1_promote_0');
  assert.equal(promote?.node?.name, 'bl460g1n14');
});

test('promoted-move matches Pacemaker (the promoted role follows the failed group)', () => {
  const rows = loadCases().filter((c) => c.name === 'promoted-move');
  assert.equal(rows.length, 1);
  const res = runCase(rows[0]!);
  assert.deepEqual([res.summary, res.graph, res.scores], [true, true, true]);
});
