import { test } from 'node:test';
import { assertCaseMatches, loadCases } from './cases.js';

// Cases fixed by: numbered history names of stopped instances (group14, novell-239079),
// group colocations after an unmanaged member (colocate-unmanaged-group), typed
// unrunnable-reason sources for group members (bug-1718, cloned-group-stop),
// Serialize sets ordering each member before every later one (order-serialize-set).
const NAMES = ['group14', 'novell-239079', 'colocate-unmanaged-group', 'bug-1718', 'cloned-group-stop', 'order-serialize-set'];

for (const c of loadCases().filter((x) => NAMES.includes(x.name))) {
  test(`${c.name}: summary, graph and scores match Pacemaker 2.1.5`, () => assertCaseMatches(c));
}
