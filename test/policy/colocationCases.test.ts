/**
 * Regression cases for colocation influence, interleaved-ordering inhibition and
 * migration orderings after notifying clones: summary and graph (by meaning)
 * must match Pacemaker 2.1.5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

const rows = new Map(loadCases().map((c) => [c.name, c]));

function check(name: string, want: { summary?: boolean; graph?: boolean }): void {
  test(`${name}: ${Object.keys(want).join(' + ')} match`, () => {
    const row = rows.get(name);
    assert.ok(row, `case ${name} exists`);
    const r = runCase(row);
    assert.equal(r.error, undefined, r.error);
    if (want.summary) assert.ok(r.summary, `${name} summary`);
    if (want.graph) assert.ok(r.graph, `${name} graph ${JSON.stringify(r.diff)?.slice(0, 400)}`);
  });
}

// influence=false / critical=false, an inactive primary still influenced, inverted rsc-pattern.
check('colocation-influence', { summary: true, graph: true });
check('coloc-clone-stays-active', { summary: true, graph: true });
// An interleaved "then" clone whose "first" clone is disabled stops its active instances.
check('complex_enforce_colo', { graph: true });
// A migrating VM waits for the confirmed post-notifications of the clones ordered before it.
check('novell-252693-2', { summary: true, graph: true });
check('novell-252693-3', { summary: true, graph: true });
