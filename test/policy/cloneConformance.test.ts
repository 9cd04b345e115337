import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { schedule, formatGraphXml, formatScores } from '../../src/policy/index.js';
import { sameText } from '../../src/cli/compare.js';
import { CASES_DIR } from './cases.js';

test('clone cases schedule deterministically (graph text and scores)', () => {
  for (const name of ['inc0', 'cloned_start_two', 'clone_min_stop_two', 'interleave-1', 'promoted-2', 'promoted-move', 'notify-1']) {
    const r = parseCib(readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8'));
    assert.ok(r.ok, `${name} parses`);
    const a = schedule(r.val, { now: 1_700_000_000 });
    const b = schedule(r.val, { now: 1_700_000_000 });
    assert.equal(formatGraphXml(a), formatGraphXml(b), name);
    assert.deepEqual(formatScores(a), formatScores(b), name);
  }
});

test('graph of an anonymous clone names instances as Pacemaker does (operation_key from the history, long-id)', () => {
  const r = parseCib(readFileSync(join(CASES_DIR, 'xml', 'cloned_start_two.xml'), 'utf8'));
  assert.ok(r.ok);
  const xml = formatGraphXml(schedule(r.val, { now: 1_700_000_000 }));
  assert.match(xml, /operation_key="FAKECLONE_start_0" internal_operation_key="FAKECLONE:0_start_0"/);
  assert.match(xml, /<primitive id="FAKECLONE" long-id="FAKECLONE:1"/);
  assert.match(xml, /operation_key="clone-one-or-more:order-FAKECLONE-clone-FAKECLONE2-clone-mandatory"/);
});

/** The graph file as crm_simulate writes it, without the fields the upstream harness ignores. */
function normalisedExp(x: string): string {
  return x.replace(/\s+crm_feature_set="[^"]*"/g, '').replace(/\s+batch-limit="[^"]*"/g, '');
}

test('clone graphs match Pacemaker text exactly (action ids, CRM_meta_clone*, long-id, priorities)', () => {
  // Each covers a different part: one-or-more pseudo ids, pre-created recurring monitors,
  // instance attributes and INFINITY-priority running/stopped synapses.
  for (const name of ['cloned_start_two', 'cloned_stop_two', 'clone_min_stop_all', 'bug-lf-2453', 'rebalance-unique-clones']) {
    const r = parseCib(readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8'));
    assert.ok(r.ok, `${name} parses`);
    const got = formatGraphXml(schedule(r.val, { now: 1_700_000_000 }));
    const want = readFileSync(join(CASES_DIR, 'exp', `${name}.exp`), 'utf8');
    assert.ok(sameText(normalisedExp(got), normalisedExp(want)), `${name}: graph text differs`);
  }
});
