/**
 * no-quorum-policy=stop also stops a resource whose start is still in flight
 * (Pacemaker 2.1.5 case 764; with quorum the start is simply asked for again).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster, executionDate } from '../../src/cib/unpack/unpack.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import type { TransitionGraph } from '../../src/policy/index.js';
import { CASES_DIR, loadCases, runCase } from './cases.js';

const XML = readFileSync(join(CASES_DIR, 'xml', '764.xml'), 'utf8');

function graphOf(xml: string): TransitionGraph {
  const cib = parseCib(xml);
  assert.ok(cib.ok);
  return scheduleUnpacked(unpackCluster(cib.val, { now: executionDate(cib.val) ?? 1_700_000_000 })).graph;
}

function keysOf(g: TransitionGraph, rsc: string): string[] {
  return g.actions.filter((a) => a.key.startsWith(`${rsc}_`) && a.node?.name === 'posic041').map((a) => a.key).sort();
}

test('without quorum a resource still starting is stopped', () => {
  assert.deepEqual(keysOf(graphOf(XML), 'rsc_posic044'), ['rsc_posic044_stop_0']);
});

test('with quorum the start in flight is asked for again (no stop)', () => {
  const xml = XML.replace('have-quorum="false"', 'have-quorum="true"');
  assert.notEqual(xml, XML);
  assert.deepEqual(keysOf(graphOf(xml), 'rsc_posic044'), ['rsc_posic044_monitor_5000', 'rsc_posic044_start_0']);
});

test('764 matches Pacemaker', () => {
  const res = runCase(loadCases().find((c) => c.name === '764')!);
  assert.deepEqual([res.summary, res.graph], [true, true]);
});
