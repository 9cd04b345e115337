import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadCib, resolveNow, currentStatus } from '../../src/cli/simulate.js';
import { sameText, splitSections } from '../../src/cli/compare.js';
import { CASES_DIR } from '../../scripts/paths.js';

const DATA = CASES_DIR;
/** The rate reached; raise it as unpacking improves. */
const THRESHOLD = 0.995;

test(`status section matches crm_simulate for >= ${THRESHOLD * 100}% of cases`, () => {
  const names = readFileSync(`${DATA}/cases.tsv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]!);
  const bad: string[] = [];
  for (const name of names) {
    try {
      const l = loadCib(`${DATA}/xml/${name}.xml`);
      if (!l.ok) { bad.push(`${name} (${l.error.message})`); continue; }
      // crm_simulate's "now" without execution-date is the wall clock (failure-timeout expiry depends on it).
      const n = resolveNow(l.cib, undefined, Math.floor(Date.now() / 1000));
      const got = splitSections(currentStatus(l.cib, n.ok ? n.now : 0)).get('Current cluster status') ?? '';
      const exp = splitSections(readFileSync(`${DATA}/summary/${name}.summary`, 'utf8')).get('Current cluster status') ?? '';
      if (!sameText(got, exp)) bad.push(name);
    } catch (e) {
      bad.push(`${name} (threw ${(e as Error).message})`);
    }
  }
  const rate = (names.length - bad.length) / names.length;
  assert.ok(rate >= THRESHOLD, `rate ${(rate * 100).toFixed(1)}%; mismatches:\n${bad.join('\n')}`);
});
