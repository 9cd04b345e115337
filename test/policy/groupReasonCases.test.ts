import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

// Cases fixed by: numbered history names of stopped instances (group14, novell-239079),
// group colocations after an unmanaged member (colocate-unmanaged-group), typed
// unrunnable-reason sources for group members (bug-1718, cloned-group-stop),
// Serialize sets ordering each member before every later one (order-serialize-set).
const NAMES = ['group14', 'novell-239079', 'colocate-unmanaged-group', 'bug-1718', 'cloned-group-stop', 'order-serialize-set'];

for (const c of loadCases().filter((x) => NAMES.includes(x.name))) {
  test(`${c.name}: summary, graph and scores match Pacemaker 2.1.5`, () => {
    const r = runCase(c);
    assert.equal(r.error, undefined);
    assert.ok(r.summary, `summary differs:\n${r.summaryText ?? ''}`);
    assert.ok(r.graph, `graph differs: ${JSON.stringify(r.diff)?.slice(0, 2000)}`);
    assert.ok(r.scores, 'scores differ');
  });
}
