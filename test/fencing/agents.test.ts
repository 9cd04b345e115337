import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SystemClock } from '../../src/util/clock.js';
import { Fencer } from '../../src/fencing/fencer.js';
import { StonithDevice } from '../../src/fencing/device.js';
import { agentDir, parseLog } from './helpers.js';

test('fence_dummy fences a node in its static host list and the history records it', async () => {
  const { dir, cleanup } = await agentDir();
  try {
    const status = path.join(dir, 'dummy.status');
    const fencer = new Fencer({ node: 'n3', agentDir: dir, defaultTimeoutMs: 10_000 });
    // fence_dummy's "plug" starts powered on (an absent file reads as off, and off would be a no-op).
    await writeFile(status, 'on');
    assert.ok(fencer.register(StonithDevice.agent('fd', 'fence_dummy', { status_file: status, pcmk_host_list: 'n1 n2' })).ok);
    const completed: string[] = [];
    fencer.on('fence:completed', r => completed.push(`${r.target}:${r.action}`));
    const r = await fencer.fence('n1', { action: 'off', origin: 'n2' });
    assert.ok(r.ok, r.err ? r.val.message : '');
    assert.deepEqual(r.val.devices, ['fd']);
    assert.equal((await readFile(status, 'utf8')).trim(), 'off', 'the real agent switched the plug off');
    const on = await fencer.fence('n1', { action: 'on' });
    assert.ok(on.ok);
    assert.equal((await readFile(status, 'utf8')).trim(), 'on');
    assert.deepEqual(completed, ['n1:off', 'n1:on']);
    const h = fencer.history('n1');
    assert.equal(h.length, 2);
    assert.deepEqual([h[0]!.state, h[0]!.origin, h[0]!.executioner], ['success', 'n2', 'n3']);
    const none = await fencer.fence('n9');
    assert.ok(none.err);
    assert.equal(none.val.code, 'QUORATE_ERR_NO_FENCE_DEVICE');
  } finally {
    await cleanup();
  }
});

test('topology falls back from a failing fence_dummy level to a working one', async () => {
  const { dir, cleanup } = await agentDir();
  try {
    const status = path.join(dir, 'dummy.status');
    const fencer = new Fencer({ node: 'n3', agentDir: dir, defaultTimeoutMs: 10_000 });
    // type=fail never reaches the wanted power state; power_timeout keeps that short.
    fencer.register(StonithDevice.agent('broken', 'fence_dummy', { type: 'fail', power_timeout: '1', pcmk_host_list: 'n1', pcmk_reboot_retries: '0' }));
    fencer.register(StonithDevice.agent('good', 'fence_dummy', { status_file: status, pcmk_host_list: 'n1' }));
    assert.ok(fencer.setTopology([
      { index: 2, target: 'n1', devices: ['good'] },
      { index: 1, target: 'n1', devices: ['broken'] },
    ]).ok);
    const r = await fencer.fence('n1');
    assert.ok(r.ok, r.err ? r.val.message : '');
    assert.equal(r.val.level, 2);
    assert.deepEqual(r.val.devices, ['good']);
    assert.deepEqual(r.val.attempts.map(a => [a.level, a.device, a.ok]), [[1, 'broken', false], [2, 'good', true]]);
    assert.equal((await readFile(status, 'utf8')).trim(), 'on', 'reboot ends powered on');

    // With only the broken level, fencing fails with every attempt listed.
    fencer.setTopology([{ index: 1, target: 'n1', devices: ['broken'] }]);
    const failed = await fencer.fence('n1', { action: 'off' });
    assert.ok(failed.err);
    assert.equal(failed.val.code, 'QUORATE_ERR_FENCE_FAILED');
    // pcmk_off_retries is unset: the default 2 retries give 3 attempts.
    assert.equal(failed.val.attempts?.length, 3);
    assert.ok(failed.val.attempts?.every(a => a.device === 'broken' && !a.ok && !a.timedOut));
    assert.equal(fencer.history('n1').at(-1)?.state, 'failed');
  } finally {
    await cleanup();
  }
});

test('pcmk_host_map picks the device and the plug the agent is given', async () => {
  const { dir, cleanup } = await agentDir();
  try {
    const fencer = new Fencer({ node: 'n9', agentDir: dir, defaultTimeoutMs: 10_000 });
    fencer.register(StonithDevice.agent('pdu', 'fence_test', { pcmk_host_map: 'n1:port-7;n2:port-8', ipaddr: '192.0.2.1' }));
    fencer.register(StonithDevice.agent('ipmi-n3', 'fence_test', { pcmk_host_list: 'n3' }));
    assert.deepEqual((await fencer.devicesFor('n1')).map(d => d.id), ['pdu']);
    assert.deepEqual((await fencer.devicesFor('n3')).map(d => d.id), ['ipmi-n3']);
    assert.deepEqual((await fencer.devicesFor('n4')).map(d => d.id), []);
    assert.ok((await fencer.fence('n2', { action: 'off' })).ok);
    assert.ok((await fencer.fence('n3')).ok);
    const log = parseLog(await readFile(path.join(dir, 'log'), 'utf8'));
    assert.deepEqual(log[0], { action: 'off', ipaddr: '192.0.2.1', nodename: 'n2', plug: 'port-8' });
    assert.deepEqual(log[1], { action: 'reboot', nodename: 'n3', plug: 'n3' });
  } finally {
    await cleanup();
  }
});

test('dynamic-list uses the agent list output; default host check follows Pacemaker', async () => {
  const { dir, cleanup } = await agentDir();
  try {
    const fencer = new Fencer({ node: 'n9', agentDir: dir, defaultTimeoutMs: 10_000 });
    const dyn = StonithDevice.agent('dyn', 'fence_test', {});
    const dummy = StonithDevice.agent('fd', 'fence_dummy', { status_file: path.join(dir, 's') });
    fencer.register(dyn);
    fencer.register(dummy);
    const ctx = { clock: new SystemClock(), processClock: new SystemClock(), agentDir: dir };
    assert.equal(await dyn.hostCheck(ctx), 'dynamic-list', 'agent advertises list');
    assert.equal(await dummy.hostCheck(ctx), 'status', 'fence_dummy has status but no list');
    assert.equal(await StonithDevice.agent('x', 'fence_test', { pcmk_host_list: 'a' }).hostCheck(ctx), 'static-list');
    assert.equal(await fencer.canFence(dyn, 'plug-b'), true);
    assert.equal(await fencer.canFence(dyn, 'node-a'), true, 'aliases in list output count');
    assert.equal(await fencer.canFence(dyn, 'n5'), false);
    // The list is cached: a changed list is not seen until the cache expires.
    await writeFile(path.join(dir, 'plugs'), 'n5\n');
    assert.equal(await fencer.canFence(dyn, 'n5'), false);
    fencer.register(dyn);
    assert.equal(await fencer.canFence(dyn, 'n5'), true, 're-registering drops the cache');
    // pcmk_host_check=none: any target.
    const any = StonithDevice.agent('any', 'fence_test', { pcmk_host_check: 'none' });
    assert.equal(await fencer.canFence(any, 'whatever'), true);
  } finally {
    await cleanup();
  }
});

test('bad devices are refused with typed errors', () => {
  const fencer = new Fencer({ node: 'n1' });
  for (const d of [
    StonithDevice.agent('a', '../../bin/sh'),
    StonithDevice.agent('b', 'sh'),
    StonithDevice.agent('c', 'fence_dummy', { pcmk_host_map: 'n1-without-plug' }),
    StonithDevice.agent('d', 'fence_dummy', { pcmk_host_check: 'sometimes' }),
    StonithDevice.agent('e', 'fence_dummy', { ip: 'x\naction=off' }),
    StonithDevice.agent('bad id', 'fence_dummy'),
  ]) {
    const r = fencer.register(d);
    assert.ok(r.err, d.id);
    assert.equal(r.val.code, 'QUORATE_ERR_BAD_DEVICE');
  }
  assert.equal(fencer.devices().length, 0);
});
