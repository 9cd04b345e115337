import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

/** Matches reached on the stopped-monitors cases (summary, graph by meaning, scores); a drop is a regression. */
test('stopped-monitors cases: at least the recorded figures', () => {
  const got = [0, 0, 0];
  const passing = new Set<string>();
  for (const c of loadCases()) {
    if (c.feature !== 'stopped-monitors') continue;
    const r = runCase(c);
    assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
    got[0] += Number(r.summary); got[1] += Number(r.graph); got[2] += Number(r.scores);
    if (r.summary && r.graph) passing.add(c.name);
  }
  assert.ok(got[0]! >= 14 && got[1]! >= 16 && got[2]! >= 15, `got ${got.join('/')}`);
  // A Stopped-role monitor where the resource does not run, and cancelled where it does.
  for (const n of ['stopped-monitor-00', 'stopped-monitor-03', 'stopped-monitor-21', 'stopped-monitor-31']) assert.ok(passing.has(n), n);
});

test('a Stopped-role monitor expects rc 7 and leaves the resource stopped in the revised status', () => {
  const r = runCase(loadCases().find((x) => x.name === 'stopped-monitor-00')!);
  assert.match(r.summaryText ?? '', /rsc1\s+monitor=20000 on node2/);
  assert.doesNotMatch(r.summaryText ?? '', /FAILED|Started \[ node1 node2 \]/);
});
