/**
 * on-fail=demote: a failed promoted instance is demoted in place (no stop/start)
 * and promoted again if it still wins; the setting applies only to promotes and
 * Promoted-role recurring monitors (elsewhere the default, restart, applies).
 * Asserted on Pacemaker 2.1.5's on_fail_demote cases and edited copies of them
 * (the edited expectations were produced with crm_simulate 2.1.5).
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

type Action = TransitionGraph['actions'][number];

function graphOfXml(xml: string): TransitionGraph {
  const cib = parseCib(xml);
  assert.ok(cib.ok);
  const now = executionDate(cib.val) ?? 1_700_000_000;
  return scheduleUnpacked(unpackCluster(cib.val, { now })).graph;
}

function caseXml(name: string): string {
  return readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8');
}

function acts(g: TransitionGraph, key: string, node?: string): Action[] {
  return g.actions.filter((x) => (x.internalKey ?? x.key) === key && (node === undefined || x.node?.name === node));
}

const PROMOTED_MONITOR = '<op id="rsc1-monitor-interval-10s" interval="10s" name="monitor" on-fail="demote" role="Promoted" timeout="20s"/>';

test('a failed promoted monitor with on-fail=demote re-promotes in place (on_fail_demote1)', () => {
  const g = graphOfXml(caseXml('on_fail_demote1'));
  const demote = acts(g, 'rsc1:0_demote_0', 'rhel7-4'), promote = acts(g, 'rsc1:0_promote_0', 'rhel7-4');
  assert.equal(demote.length, 1);
  assert.equal(promote.length, 1);
  assert.ok(promote[0]!.inputs.includes(demote[0]!.id), 'promote after demote');
  assert.equal(acts(g, 'rsc1:0_stop_0').length + acts(g, 'rsc1:0_start_0').length, 0, 'no stop or start');
  // The promoted monitor is still running there: not issued again.
  assert.equal(acts(g, 'rsc1:0_monitor_10000', 'rhel7-4').length, 0);
});

test('on-fail=demote without a better promotion score just demotes (on_fail_demote3)', () => {
  const g = graphOfXml(caseXml('on_fail_demote3'));
  assert.equal(acts(g, 'rsc1:0_demote_0', 'rhel7-4').length, 1);
  assert.equal(g.actions.filter((a) => a.key === 'rsc1_promote_0' || a.key === 'rsc1_stop_0').length, 0);
  assert.equal(acts(g, 'rsc1:0_monitor_11000', 'rhel7-4').length, 1, 'the unpromoted monitor starts');
});

test('on-fail=demote on a monitor without role Promoted falls back to a full recovery', () => {
  const xml = caseXml('on_fail_demote3');
  assert.ok(xml.includes(PROMOTED_MONITOR));
  const g = graphOfXml(xml.replace(PROMOTED_MONITOR, PROMOTED_MONITOR.replace(' role="Promoted"', '')));
  const stop = acts(g, 'rsc1:0_stop_0', 'rhel7-4'), start = acts(g, 'rsc1:0_start_0', 'rhel7-4');
  assert.equal(stop.length, 1);
  assert.equal(start.length, 1);
  assert.ok(start[0]!.inputs.includes(stop[0]!.id));
});

test('the on_fail_demote cases match Pacemaker', () => {
  const rows = loadCases().filter((c) => /^on_fail_demote[123]$/.test(c.name));
  assert.equal(rows.length, 3);
  const bad = rows.map(runCase).filter((r) => !r.summary || !r.graph).map((r) => `${r.name}: summary=${r.summary} graph=${r.graph}`);
  assert.deepEqual(bad, []);
});

test('an instance on a lost guest is recovered in full even with on-fail=demote (on_fail_demote4)', () => {
  const row = loadCases().find((c) => c.name === 'on_fail_demote4')!;
  const text = runCase(row).summaryText ?? '';
  assert.match(text, /Recover\s+lxc-ms:0\s+\(\s*Promoted lxc2 \)/);
  assert.match(text, /Recover\s+bundled:0\s+\(\s*Promoted stateful-bundle-0 \)/);
});
