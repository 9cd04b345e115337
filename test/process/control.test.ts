import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ControlServer } from '../../src/control/server.js';
import { controlRequest } from '../../src/control/client.js';
import type { ControlRequest } from '../../src/control/protocol.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'quorate-ctl-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

/** Sends raw lines on one connection and collects `n` answer lines. */
function raw(sock: string, text: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = connect(sock);
    let buf = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(text));
    s.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n').filter(Boolean);
      if (lines.length >= n) { s.destroy(); resolve(lines); }
    });
    s.on('error', reject);
  });
}

test('control socket: requests reach the handler, answers come back in order, bad requests are refused', () => withDir(async dir => {
  const sock = path.join(dir, 'n1.sock');
  const seen: ControlRequest[] = [];
  const srv = await ControlServer.listen(sock, async req => {
    seen.push(req);
    if (req.cmd === 'move') {
      // A slow handler must not let the next answer overtake this one.
      await new Promise(r => setTimeout(r, 50));
      return { ok: false, error: { code: 'QUORATE_ERR_UNKNOWN_RESOURCE', message: `resource "${req.rsc}" is not configured` } };
    }
    if (req.cmd === 'cib') throw new Error('handler bug');
    return { ok: true, result: { echo: req.cmd } };
  });
  assert.ok(srv.ok, srv.err ? srv.val.message : '');
  try {
    assert.equal((await stat(sock)).mode & 0o777, 0o600, 'only the owner may drive the node');
    const st = await controlRequest(sock, { cmd: 'status' });
    assert.ok(st.ok);
    assert.deepEqual(st.val, { echo: 'status' });
    const mv = await controlRequest(sock, { cmd: 'move', rsc: 'nope', node: 'n1' });
    assert.ok(mv.err);
    assert.equal(mv.val.code, 'QUORATE_ERR_UNKNOWN_RESOURCE');
    const bug = await controlRequest(sock, { cmd: 'cib' });
    assert.ok(bug.err);
    assert.equal(bug.val.code, 'QUORATE_ERR_INTERNAL');
    const lines = await raw(sock, '{"cmd":"move","rsc":"a","node":"b"}\nnot json\n{"cmd":"standby","node":"n1"}\n{"cmd":"reboot"}\n{"cmd":"clear","rsc":"a"}\n', 5);
    const answers = lines.map(l => JSON.parse(l) as { ok: boolean; error?: { code: string; message: string }; result?: unknown });
    assert.deepEqual(answers.map(a => a.ok ? 'ok' : a.error!.code), [
      'QUORATE_ERR_UNKNOWN_RESOURCE', 'QUORATE_ERR_CONTROL_REQUEST', 'QUORATE_ERR_CONTROL_REQUEST', 'QUORATE_ERR_CONTROL_REQUEST', 'ok',
    ]);
    assert.match(answers[2]!.error!.message, /standby needs node \(string\) and on \(boolean\)/);
    assert.match(answers[3]!.error!.message, /unknown command "reboot"/);
    assert.deepEqual(seen.map(r => r.cmd), ['status', 'move', 'cib', 'move', 'clear']);
    // A second server on a live socket is refused.
    const second = await ControlServer.listen(sock, async () => ({ ok: true, result: null }));
    assert.ok(second.err);
    assert.equal(second.val.code, 'QUORATE_ERR_CONTROL_IN_USE');
  } finally {
    await srv.val.close();
  }
  const gone = await controlRequest(sock, { cmd: 'status' }, 2000);
  assert.ok(gone.err);
  assert.equal(gone.val.code, 'QUORATE_ERR_CONTROL_IO');
}));

test('control socket: a stale socket file of a dead node is replaced', () => withDir(async dir => {
  const sock = path.join(dir, 'stale.sock');
  await writeFile(sock, '');
  const srv = await ControlServer.listen(sock, async () => ({ ok: true, result: 42 }));
  assert.ok(srv.ok, srv.err ? srv.val.message : '');
  try {
    const r = await controlRequest(sock, { cmd: 'status' });
    assert.ok(r.ok);
    assert.equal(r.val, 42);
  } finally {
    await srv.val.close();
  }
}));

test('control client: a node that never answers times out', () => withDir(async dir => {
  const sock = path.join(dir, 'slow.sock');
  const srv = await ControlServer.listen(sock, () => new Promise(() => { /* never answers */ }));
  assert.ok(srv.ok);
  try {
    const r = await controlRequest(sock, { cmd: 'status' }, 200);
    assert.ok(r.err);
    assert.equal(r.val.code, 'QUORATE_ERR_TIMEOUT');
  } finally {
    await srv.val.close();
  }
}));
