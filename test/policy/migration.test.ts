import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

/** Matches reached on the migration cases (summary, graph by meaning, scores); a drop is a regression. */
test('migration cases: at least the recorded figures', () => {
  const got = [0, 0, 0];
  const passing = new Set<string>();
  for (const c of loadCases()) {
    if (c.feature !== 'migration') continue;
    const r = runCase(c);
    assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
    got[0] += Number(r.summary); got[1] += Number(r.graph); got[2] += Number(r.scores);
    if (r.summary && r.graph) passing.add(c.name);
  }
  assert.ok(got[0]! >= 23 && got[1]! >= 27 && got[2]! >= 37, `got ${got.join('/')}`);
  // Each rule: a plain migration, a partial one continuing, orderings both ways,
  // a group migrating, a blocked migration that only stops.
  for (const n of ['migrate-begin', 'migrate-partial-2', '1-a-then-bm-move-b', '2-am-then-b-move-a', '3-am-then-bm-both-migrate',
    '4-am-then-bm-b-not-migratable', '6-migrate-group', '8-am-then-bm-a-migrating-b-stopping', '9-am-then-bm-b-migrating-a-stopping', 'migrate-start']) {
    assert.ok(passing.has(n), n);
  }
});

test('a migration shows as migrate_to, migrate_from and a pseudo start in the graph', () => {
  const c = loadCases().find((x) => x.name === 'migrate-begin')!;
  const r = runCase(c);
  assert.match(r.summaryText ?? '', /Migrate\s+test-vm\s+\( hex-14 -> hex-13 \)/);
  assert.match(r.summaryText ?? '', /Pseudo action:\s+test-vm_start_0/);
});
