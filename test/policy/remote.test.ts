import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases, runCase } from './cases.js';

function one(name: string): ReturnType<typeof runCase> {
  const c = loadCases().find((x) => x.name === name);
  assert.ok(c, `case ${name} exists`);
  return runCase(c);
}

test('an unseen remote node whose connection starts is connected and probed, not fenced', () => {
  const r = one('remote-startup');
  assert.equal(r.error, undefined);
  assert.ok(r.summary && r.graph, 'remote-startup matches');
  assert.doesNotMatch(r.summaryText ?? '', /Fence \(reboot\) remote1/);
  assert.match(r.summaryText ?? '', /fake\s+monitor on remote1/);
});

test('fencing devices and connections score -INFINITY on remote nodes', () => {
  const r = one('remote-startup');
  assert.ok(r.scoresText?.includes('pcmk__primitive_assign: shooter allocation score on remote1: -INFINITY'));
  assert.ok(r.scoresText?.includes('pcmk__primitive_assign: remote1 allocation score on remote1: -INFINITY'));
  assert.ok(r.scoresText?.includes('pcmk__primitive_assign: fake allocation score on remote1: 0'));
});

test('a disabled connection takes its remote node down: its resources stop first', () => {
  const r = one('remote-disable');
  assert.ok(r.summary && r.graph && r.scores, 'remote-disable matches');
});

test('a guest container starts before its connection and the resources inside', () => {
  const r = one('whitebox-start');
  assert.ok(r.summary && r.graph, 'whitebox-start matches');
});

test('a failed guest container is recovered with a pseudo fencing of the guest', () => {
  const r = one('whitebox-fail1');
  assert.ok(r.graph, 'whitebox-fail1 graph matches');
  assert.match(r.summaryText ?? '', /Pseudo action:\s+stonith-lxc1-reboot on lxc1/);
});

test('a failed connection with resources active fences the remote node for the right reason', () => {
  const r = one('remote-recover-fail');
  assert.ok(r.summary && r.graph, 'remote-recover-fail matches');
  assert.match(r.summaryText ?? '', /Fence \(reboot\) rhel7-auto4 'FAKE2 is thought to be active there'/);
});

test('nodes never unfenced are turned on before fence devices are probed or started', () => {
  const r = one('unfence-device');
  assert.ok(r.summary && r.graph, 'unfence-device matches');
  assert.match(r.summaryText ?? '', /Fence \(on\) virt-008 'required by fence_scsi monitor'/);
});
