import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNodeSetup, initialCib } from '../../src/cli/nodeSetup.js';
import { parseCib } from '../../src/cib/parse.js';

const BIN = fileURLToPath(new URL('../../../bin/quorate.js', import.meta.url));

const conf = (crypto: string, extra = ''): string => `totem {
  cluster_name: setup
  transport: tcp
${crypto}${extra}
}
nodelist {
  node {
    name: n1
    nodeid: 1
    ring0_addr: 127.0.0.1
    ring0_port: 45001
  }
  node {
    name: n2
    nodeid: 2
    ring0_addr: 127.0.0.1
    ring0_port: 45002
  }
}
quorum {
  provider: corosync_votequorum
  two_node: 1
}
`;

const CIB = `<cib admin_epoch="0" epoch="7" num_updates="3" validate-with="pacemaker-3.7">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="n1" in_ccm="true" crmd="online"/></status>
</cib>`;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'quorate-setup-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('setup reads config, key and CIB; the CIB keeps its version and configuration, gains every node, drops its status', () => withDir(async dir => {
  await writeFile(path.join(dir, 'c.conf'), conf('  crypto_hash: sha256\n  crypto_cipher: aes256', `\n  keyfile: ${path.join(dir, 'authkey')}`));
  await writeFile(path.join(dir, 'authkey'), randomBytes(64));
  await writeFile(path.join(dir, 'cib.xml'), CIB);
  const r = await loadNodeSetup({ configPath: path.join(dir, 'c.conf'), name: 'n2', cibPath: path.join(dir, 'cib.xml') });
  assert.ok(r.ok, r.err ? r.val.message : '');
  assert.equal(r.val.keySource, path.join(dir, 'authkey'), 'totem.keyfile is used without --key');
  assert.equal(r.val.key.length, 64);
  assert.equal(r.val.plan.kind, 'totem-tcp');
  assert.equal(r.val.quorum?.twoNode, true);
  assert.deepEqual(r.val.cib.version, { adminEpoch: 0, epoch: 7, numUpdates: 3 });
  assert.deepEqual(r.val.cib.configuration.nodes.map(n => n.uname), ['n1', 'n2']);
  assert.deepEqual(r.val.cib.status.nodes, []);
}));

test('crypto_hash none needs no key file; an explicit --key is used anyway', () => withDir(async dir => {
  await writeFile(path.join(dir, 'c.conf'), conf('  crypto_hash: none'));
  const a = await loadNodeSetup({ configPath: path.join(dir, 'c.conf'), name: 'n1' });
  const b = await loadNodeSetup({ configPath: path.join(dir, 'c.conf'), name: 'n2' });
  assert.ok(a.ok && b.ok);
  assert.deepEqual(a.val.key, b.val.key, 'every node derives the same key from the cluster name');
  assert.match(a.val.keySource, /crypto_hash: none/);
  const missing = await loadNodeSetup({ configPath: path.join(dir, 'c.conf'), name: 'n1', keyPath: path.join(dir, 'nope') });
  assert.ok(missing.err);
  assert.equal(missing.val.code, 'QUORATE_ERR_AUTHKEY');
  assert.match(missing.val.message, /cannot read key file .*nope/);
}));

test('missing key file, bad key, bad CIB and bad config are one-line errors naming the file', () => withDir(async dir => {
  const cfg = path.join(dir, 'c.conf');
  await writeFile(cfg, conf('  crypto_hash: sha256', `\n  keyfile: ${path.join(dir, 'authkey')}`));
  const noKey = await loadNodeSetup({ configPath: cfg, name: 'n1' });
  assert.ok(noKey.err);
  assert.match(noKey.val.message, /cannot read key file .*authkey/);
  await writeFile(path.join(dir, 'authkey'), 'short');
  const shortKey = await loadNodeSetup({ configPath: cfg, name: 'n1' });
  assert.ok(shortKey.err);
  assert.match(shortKey.val.message, /5 bytes/);
  await writeFile(path.join(dir, 'authkey'), randomBytes(32));
  await writeFile(path.join(dir, 'bad.xml'), '<cib><configuration>');
  const badCib = await loadNodeSetup({ configPath: cfg, name: 'n1', cibPath: path.join(dir, 'bad.xml') });
  assert.ok(badCib.err);
  assert.equal(badCib.val.code, 'QUORATE_ERR_BAD_CIB');
  assert.match(badCib.val.message, /bad\.xml: /);
  await writeFile(cfg, conf('  crypto_hash: sha256', '\n  tokne: 100'));
  const badConf = await loadNodeSetup({ configPath: cfg, name: 'n1' });
  assert.ok(badConf.err);
  assert.match(badConf.val.message, /c\.conf: line 5: unknown totem option 'tokne'/);
  const noFile = await loadNodeSetup({ configPath: path.join(dir, 'none.conf'), name: 'n1' });
  assert.ok(noFile.err);
  assert.match(noFile.val.message, /cannot read .*none\.conf: ENOENT/);
}));

test('quorate node with a bad config prints one line on stderr and exits 2', () => withDir(async dir => {
  const cfg = path.join(dir, 'c.conf');
  await writeFile(cfg, conf('  crypto_hash: none', '\n  token: fast'));
  const r = spawnSync(process.execPath, [BIN, 'node', '--config', cfg, '--name', 'n1', '--control', path.join(dir, 's.sock')], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^quorate node: .*c\.conf: line 5: token 'fast' is not a number\n$/);
  const noConfig = spawnSync(process.execPath, [BIN, 'node', '--name', 'n1'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(noConfig.status, 2);
  assert.match(noConfig.stderr, /--config is required/);
  const usage = spawnSync(process.execPath, [BIN, 'standby', 'n1', 'maybe'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: quorate standby NODE on\|off/);
}));

test('initialCib keeps configured nodes once', () => {
  const c = parseCib(CIB);
  assert.ok(c.ok);
  const i = initialCib(c.val, ['n1', 'n2', 'n3']);
  assert.deepEqual(i.configuration.nodes.map(n => `${n.id}/${n.uname}`), ['1/n1', 'n2/n2', 'n3/n3']);
});
