import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed, main, EXIT } from '../../scripts/sim.js';

test('200 seeds of crashes, partitions, loss and service kills keep every invariant and converge', async () => {
  const failures: string[] = [];
  let fencings = 0;
  let faults = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const r = await runSeed(seed, { nodes: 3, steps: 6 });
    fencings += r.fencings;
    faults += Object.values(r.faults).reduce((a, b) => a + b, 0);
    if (r.outcome !== 'ok') failures.push(`seed ${seed}: ${r.outcome}: ${r.detail}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(fencings > 50, `the schedule fenced nodes (${fencings})`);
  assert.ok(faults > 800, `faults were injected (${faults})`);
});

test('the checkers have teeth: without fencing and quorum, split brain is caught', async () => {
  const outcomes: string[] = [];
  for (let seed = 1; seed <= 30 && !outcomes.includes('correctness'); seed++) {
    outcomes.push((await runSeed(seed, { nodes: 3, steps: 10, unsafe: true })).outcome);
  }
  assert.ok(outcomes.includes('correctness'), `a split brain was detected (${outcomes.join(',')})`);
});

test('a seed replays exactly', async () => {
  const a = await runSeed(4242, { nodes: 3, steps: 10 });
  const b = await runSeed(4242, { nodes: 3, steps: 10 });
  assert.deepEqual(a, b);
});

test('the command line reports bad arguments and returns exit codes', async () => {
  assert.equal(await main(['--bogus']), 2);
  assert.equal(await main(['--seed', '7', '--steps', '3']), EXIT.ok);
});
