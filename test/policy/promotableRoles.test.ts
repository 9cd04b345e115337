/**
 * Promotable clone roles: an unfenceable node's promoted instance is neither
 * demoted nor announced, a mandatory colocation with a clone leaves promotion
 * priorities alone; plus the per-case matches these give.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

function expectCase(name: string): void {
  const row = loadCases().find((c) => c.name === name);
  assert.ok(row, `${name} is a known case`);
  const r = runCase(row);
  assert.equal(r.error, undefined, r.error);
  assert.ok(r.summary, `${name}: summary matches`);
  assert.ok(r.graph, `${name}: graph matches`);
  assert.ok(r.scores, `${name}: scores match`);
}

test('without quorum a promoted instance on an unclean node gets no demote or demote notifications', () => {
  const row = loadCases().find((c) => c.name === 'bug-cl-5212')!;
  const r = runCase(row);
  assert.ok(r.summaryText !== undefined);
  assert.doesNotMatch(r.summaryText, /demote/);
  // The promotion score of the surviving instance is not raised by the mandatory colocation with clnPingd.
  assert.ok(r.scoresText?.includes('pgsql:2 promotion score on srv03: 105'));
  expectCase('bug-cl-5212');
});

test('a promoted-role colocation with a stopped group bans promotion everywhere', () => {
  const row = loadCases().find((c) => c.name === 'promoted-promotion-constraint')!;
  const r = runCase(row);
  assert.ok(r.scoresText?.includes('s0:0 promotion score on hex-14: -INFINITY'));
  assert.match(r.summaryText ?? '', /Demote\s+s0:0\s+\( Promoted -> Unpromoted hex-14 \)/);
  expectCase('promoted-promotion-constraint');
  const other = runCase(loadCases().find((c) => c.name === 'coloc-clone-stays-active')!);
  assert.ok(other.summary && other.graph, 'coloc-clone-stays-active: summary and graph match');
});

test('a cloned group brackets its members\' promotions with its own promote/promoted pseudo actions', () => {
  const r = runCase(loadCases().find((c) => c.name === 'bug-pm-11')!);
  assert.ok(r.diff !== undefined);
  // Members are promoted only when they change role: the already promoted member is left alone.
  assert.doesNotMatch(r.summaryText ?? '', /stateful-1:1\s+promote/);
  assert.match(r.summaryText ?? '', /Pseudo action:\s+group:1_promote_0/);
  assert.ok(r.scoresText?.includes('group:1 promotion score on node-a: 99'), 'a group without member scores counts as unset (-1)');
  expectCase('bug-pm-11');
  expectCase('bug-pm-12');
});

test('a partially demoted group: the clone waits for the instance groups, summary order follows the merged scores', () => {
  const r = runCase(loadCases().find((c) => c.name === 'promoted-partially-demoted-group')!);
  assert.ok(r.graph, 'graph matches');
  const s = r.summaryText ?? '';
  assert.ok(s.indexOf('Move       cdev-pool-0-iscsi-target') < s.indexOf('Demote     vip-164-fw:0'), 'the export group is listed before the firewall clone');
});

test('a promoted-role anti-colocation that leaves an instance nowhere to run is undone for placement', () => {
  const r = runCase(loadCases().find((c) => c.name === 'bug-lf-2358')!);
  assert.match(r.summaryText ?? '', /Start\s+res_drbd_mysql1:1\s+\( alice\.demo \)/);
  // The promotion sort leaves the clone's merged scores behind, which the anti-colocation then subtracts.
  assert.ok(r.scoresText?.includes('res_drbd_mysql1:0 promotion score on bob.demo: 0'));
  expectCase('bug-lf-2358');
});

test('a cloned group with a member that cannot run is not promoted', () => {
  const r = runCase(loadCases().find((c) => c.name === 'bug-1822')!);
  assert.ok(r.scoresText?.includes('ms-sf_group:0 promotion score on process2b: -INFINITY'));
  assert.doesNotMatch(r.summaryText ?? '', /\* Promote\s/);
  expectCase('bug-1822');
});
