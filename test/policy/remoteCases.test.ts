/**
 * Remote, guest and container behaviours, checked on Pacemaker 2.1.5 regression
 * cases: concrete actions, orderings and scores, plus whole-case matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

function one(name: string): ReturnType<typeof runCase> {
  const c = loadCases().find((x) => x.name === name);
  assert.ok(c, `case ${name} exists`);
  const r = runCase(c);
  assert.equal(r.error, undefined, `${name} runs`);
  return r;
}

test('an orphaned connection is deleted everywhere only after it stops', () => {
  const r = one('remote-orphaned');
  assert.ok(r.summary && r.graph && r.scores, 'remote-orphaned matches');
  // The delete on the node where it never ran still waits for the stop elsewhere.
  assert.deepEqual(r.diff?.inputDiffs, []);
  const text = r.summaryText ?? '';
  assert.ok(text.indexOf('remote1         stop on 18node1') < text.indexOf('remote1         delete on 18node3'));
  // The node stays in the status (crm_simulate only reports deletes), now offline.
  assert.match(text.split('Revised Cluster Status:')[1] ?? '', /RemoteOFFLINE: \[ remote1 \]/);
});

test('an orphaned remote node gets location-rule scores but no symmetric default', () => {
  const r = one('remote-orphaned');
  const s = r.scoresText ?? [];
  assert.ok(s.includes('pcmk__clone_allocate: master-1 allocation score on remote1: -INFINITY'));
  assert.ok(s.includes('pcmk__clone_allocate: ping-1:2 allocation score on remote1: 1'));
  assert.ok(!s.some((l) => l.startsWith('pcmk__primitive_assign: rsc_18node1 allocation score on remote1')));
});

test('an orphaned guest connection is cleaned up after its stop', () => {
  const r = one('whitebox-orphaned');
  assert.ok(r.summary && r.graph, 'whitebox-orphaned matches');
});

test('a fenced remote node whose connection waits to reconnect stays failed in the revised status', () => {
  const r = one('remote-fence-before-reconnect');
  assert.ok(r.summary && r.graph, 'remote-fence-before-reconnect matches');
  const revised = r.summaryText?.split('Revised Cluster Status:')[1] ?? '';
  assert.match(revised, /RemoteNode c7auto4: UNCLEAN \(offline\)/);
  assert.match(revised, /c7auto4\s+\(ocf:pacemaker:remote\):\s+FAILED\n/);
});

test('resource-discovery=exclusive bans a resource from nodes outside its exclusive set', () => {
  const r = one('remote-recovery');
  const s = r.scoresText ?? [];
  // galera-master may only run where galera-role=true (the galera-N remote nodes).
  assert.ok(s.includes('pcmk__clone_allocate: galera-master allocation score on controller-0: -INFINITY'));
  assert.ok(s.includes('pcmk__clone_allocate: galera:0 allocation score on messaging-1: -INFINITY'));
  assert.ok(s.includes('pcmk__clone_allocate: galera-master allocation score on galera-0: 0'));
  assert.ok(r.scores, 'remote-recovery scores match');
  assert.ok(one('resource-discovery').scores, 'resource-discovery scores match');
});

test('a monitor failure with on-fail=stop stops the resource instead of recovering it', () => {
  const r = one('monitor-onfail-stop');
  assert.ok(r.summary && r.graph, 'monitor-onfail-stop matches');
  assert.match(r.summaryText ?? '', /Stop\s+A\s+\( fc16-builder \)\s+due to node availability/);
  assert.doesNotMatch(r.summaryText ?? '', /A\s+start on/);
});

test('resources inside a container are not probed; the container is', () => {
  for (const name of ['container-1', 'container-group-1']) {
    const r = one(name);
    assert.ok(r.summary && r.graph, `${name} matches`);
    assert.match(r.summaryText ?? '', /container1\s+monitor on node1/);
    assert.doesNotMatch(r.summaryText ?? '', /rsc[12]\s+monitor on node/);
  }
});

test('a failure with on-fail=restart-container restarts the container and everything in it', () => {
  for (const name of ['container-2', 'container-group-2']) {
    const r = one(name);
    assert.ok(r.summary && r.graph, `${name} matches`);
    assert.match(r.summaryText ?? '', /Restart\s+container1\s+\( node1 \)/);
    assert.match(r.summaryText ?? '', /Restart\s+rsc2\s+\( node1 \)\s+due to required (container1|rsc1) start/);
  }
});
