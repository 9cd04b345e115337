import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, access } from 'node:fs/promises';
import path from 'node:path';
import { OcfAgent } from '../../src/agents/ocf.js';
import { OcfExitCode, OpStatus } from '../../src/agents/codes.js';
import type { AgentCall } from '../../src/agents/agent.js';
import { tempDir, customOcfRoot, alive, waitFor } from './helpers.js';

function call(resourceId: string, params: Record<string, string>, timeoutMs = 20_000, meta: Record<string, string> = {}): AgentCall {
  return { resourceId, params, meta, timeoutMs };
}

function agent(provider: string, type: string, ocfRoot?: string): OcfAgent {
  const a = OcfAgent.create({ provider, type, killGraceMs: 500, ...(ocfRoot ? { ocfRoot } : {}) });
  assert.ok(a.ok);
  return a.val;
}

test('ocf:heartbeat:Dummy start, monitor, stop, monitor', async () => {
  const dir = await tempDir();
  const state = path.join(dir, 'dummy.state');
  const dummy = agent('heartbeat', 'Dummy');
  const c = call('d1', { state });
  try {
    const probe = await dummy.monitor(c);
    assert.equal(probe.status, OpStatus.DONE);
    assert.equal(probe.rc, OcfExitCode.NOT_RUNNING);
    const start = await dummy.start(c);
    assert.equal(start.status, OpStatus.DONE, start.output);
    assert.equal(start.rc, OcfExitCode.OK, start.output);
    await access(state);
    assert.equal((await dummy.monitor(c)).rc, OcfExitCode.OK);
    const stop = await dummy.stop(c);
    assert.equal(stop.rc, OcfExitCode.OK);
    assert.equal((await dummy.monitor(c)).rc, OcfExitCode.NOT_RUNNING);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ocf:heartbeat:Dummy reports not running once its state file is removed', async () => {
  const dir = await tempDir();
  const state = path.join(dir, 'dummy.state');
  const dummy = agent('heartbeat', 'Dummy');
  const c = call('d2', { state });
  try {
    assert.equal((await dummy.start(c)).rc, OcfExitCode.OK);
    assert.equal((await dummy.monitor(c)).rc, OcfExitCode.OK);
    await rm(state);
    const mon = await dummy.monitor(c);
    assert.equal(mon.status, OpStatus.DONE);
    assert.equal(mon.rc, OcfExitCode.NOT_RUNNING);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ocf:heartbeat:anything runs sleep; killing it makes monitor fail, stop then cleans up', async () => {
  const dir = await tempDir();
  const pidfile = path.join(dir, 'sleep.pid');
  const anything = agent('heartbeat', 'anything');
  const c = call('sleeper', { binfile: '/bin/sleep', cmdline_options: '1000', pidfile });
  let pid = 0;
  try {
    const start = await anything.start(c);
    assert.equal(start.rc, OcfExitCode.OK, start.output);
    pid = Number((await readFile(pidfile, 'utf8')).trim());
    assert.ok(pid > 0 && alive(pid), 'sleep is running');
    assert.equal((await anything.monitor(c)).rc, OcfExitCode.OK);
    process.kill(pid, 'SIGKILL');
    assert.ok(await waitFor(() => !alive(pid)));
    // anything reports a pid file without its process as a failure (rc 1), not a clean stop.
    const failed = await anything.monitor(c);
    assert.equal(failed.status, OpStatus.DONE);
    assert.equal(failed.rc, OcfExitCode.ERR_GENERIC);
    // Stop of a dead process is still a successful stop; afterwards it is cleanly stopped.
    assert.equal((await anything.stop(c)).rc, OcfExitCode.OK);
    assert.equal((await anything.monitor(c)).rc, OcfExitCode.NOT_RUNNING);
  } finally {
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('ocf:heartbeat:anything stop kills the process', async () => {
  const dir = await tempDir();
  const pidfile = path.join(dir, 'sleep.pid');
  const anything = agent('heartbeat', 'anything');
  const c = call('sleeper2', { binfile: '/bin/sleep', cmdline_options: '1000', pidfile });
  let pid = 0;
  try {
    assert.equal((await anything.start(c)).rc, OcfExitCode.OK);
    pid = Number((await readFile(pidfile, 'utf8')).trim());
    assert.equal((await anything.stop(c)).rc, OcfExitCode.OK);
    assert.ok(await waitFor(() => !alive(pid)), 'sleep was killed by stop');
    assert.equal((await anything.monitor(c)).rc, OcfExitCode.NOT_RUNNING);
  } finally {
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('a hanging agent times out and its whole process group is killed', async () => {
  const dir = await tempDir();
  const pidfile = path.join(dir, 'child.pid');
  let childPid = 0;
  // The agent forks a child that ignores SIGTERM, then hangs itself.
  const { root, cleanup } = await customOcfRoot({
    Hang: `#!/bin/sh\ncase "$1" in\nstart)\n  sh -c 'trap "" TERM; echo $$ > "$OCF_RESKEY_pidfile"; while :; do sleep 1; done' &\n  wait ;;\n*) exit 0 ;;\nesac\n`,
  });
  try {
    const hang = agent('test', 'Hang', root);
    const r = await hang.start(call('h1', { pidfile }, 700));
    assert.equal(r.status, OpStatus.TIMEOUT);
    assert.notEqual(r.rc, OcfExitCode.OK);
    childPid = Number((await readFile(pidfile, 'utf8')).trim());
    assert.ok(childPid > 0);
    assert.ok(await waitFor(() => !alive(childPid), 5000), 'the SIGTERM-ignoring child was SIGKILLed');
  } finally {
    if (childPid && alive(childPid)) process.kill(childPid, 'SIGKILL');
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the agent sees OCF_RESKEY_* and CRM_meta_* environment', async () => {
  const dir = await tempDir();
  const out = path.join(dir, 'env');
  const { root, cleanup } = await customOcfRoot({
    Env: `#!/bin/sh\nenv | grep -E '^(OCF_|__OCF)' | sort > "$OCF_RESKEY_out"\nexit 7\n`,
  });
  try {
    const a = agent('test', 'Env', root);
    const r = await a.monitor({ resourceId: 'e1', params: { out, ip: '10.0.0.1' }, meta: { 'clone-max': '2' }, timeoutMs: 5000, interval: 10_000 });
    assert.equal(r.rc, OcfExitCode.NOT_RUNNING);
    const env = await readFile(out, 'utf8');
    for (const line of [
      `OCF_ROOT=${root}`, 'OCF_RESOURCE_INSTANCE=e1', 'OCF_RESOURCE_TYPE=Env', 'OCF_RESOURCE_PROVIDER=test',
      'OCF_RESKEY_ip=10.0.0.1', 'OCF_RESKEY_CRM_meta_clone_max=2', 'OCF_RESKEY_CRM_meta_timeout=5000',
      'OCF_RESKEY_CRM_meta_interval=10000', `OCF_FUNCTIONS_DIR=${root}/lib/heartbeat`, '__OCF_ACTION=monitor',
    ]) assert.ok(env.split('\n').includes(line), `missing ${line} in\n${env}`);
  } finally {
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing agent is not installed (rc 5)', async () => {
  const a = agent('heartbeat', 'NoSuchAgentHere');
  const r = await a.start(call('m1', {}));
  assert.equal(r.rc, OcfExitCode.NOT_INSTALLED);
  assert.equal(r.status, OpStatus.NOT_INSTALLED);
  assert.equal(await a.metadata(), undefined);
});

test('provider and type must be plain names, parameters must be valid names', async () => {
  for (const [provider, type] of [['..', 'Dummy'], ['heartbeat', '../../../../bin/sh'], ['a/b', 'Dummy'], ['heartbeat', ''], ['heartbeat', '..']]) {
    const a = OcfAgent.create({ provider: provider!, type: type! });
    assert.ok(a.err, `${provider}:${type} must be rejected`);
    assert.equal(a.val.code, 'QUORATE_ERR_BAD_AGENT_NAME');
  }
  const dummy = agent('heartbeat', 'Dummy');
  const r = await dummy.monitor(call('bad', { 'x;rm -rf': '1' }));
  assert.equal(r.status, OpStatus.INVALID);
  const r2 = await dummy.monitor(call('../etc', {}));
  assert.equal(r2.status, OpStatus.INVALID);
});

test('meta-data of ocf:heartbeat:Dummy is parsed', async () => {
  const md = await agent('heartbeat', 'Dummy').metadata();
  assert.ok(md);
  assert.equal(md.name, 'Dummy');
  const state = md.parameters.find(p => p.name === 'state');
  assert.ok(state);
  assert.equal(state.unique, true);
  assert.match(state.default ?? '', /Dummy-.*\.state$/);
  const fake = md.parameters.find(p => p.name === 'fake');
  assert.equal(fake?.default, 'dummy');
  assert.equal(fake?.unique, false);
  const names = md.actions.map(a => a.name);
  for (const n of ['start', 'stop', 'monitor', 'migrate_to', 'migrate_from', 'meta-data']) assert.ok(names.includes(n), n);
  const mon = md.actions.find(a => a.name === 'monitor');
  assert.equal(mon?.timeoutMs, 20_000);
  assert.equal(mon?.intervalMs, 10_000);
});
