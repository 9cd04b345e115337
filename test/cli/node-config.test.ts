/**
 * `quorate node --config` refuses a bad configuration before it starts: one
 * line on stderr naming the file and the line (or the option that asked for
 * a missing file), exit code 2, no stack trace, nothing left running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../messaging/socketHelpers.js';

const BIN = fileURLToPath(new URL('../../../bin/quorate.js', import.meta.url));

const GOOD = `totem {
  version: 2
  cluster_name: cfgtest
  transport: tcp
  token: 1000
  crypto_hash: sha256
  crypto_cipher: aes256
  keyfile: KEYFILE
}

nodelist {
  node {
    name: n1
    nodeid: 1
    ring0_addr: 127.0.0.1
    ring0_port: 45101
  }
  node {
    name: n2
    nodeid: 2
    ring0_addr: 127.0.0.1
    ring0_port: 45102
  }
  node {
    name: n3
    nodeid: 3
    ring0_addr: 127.0.0.1
    ring0_port: 45103
  }
}

quorum {
  provider: corosync_votequorum
  wait_for_all: 1
}
`;

/** The 1-based line of the first line containing `needle`. */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex(l => l.includes(needle)) + 1;

interface Case {
  readonly name: string;
  /** The configuration text (KEYFILE is replaced by the real key path). */
  readonly conf: string;
  readonly args?: readonly string[];
  /** What stderr must say after "quorate node: "; LINE is replaced by the expected line. */
  readonly why: string;
  /** The text whose line the message must name (none: the file as a whole or an option). */
  readonly at?: string;
}

const sub = (from: string, to: string): string => {
  assert.ok(GOOD.includes(from), from);
  return GOOD.replace(from, to);
};

const CASES: readonly Case[] = [
  { name: 'unknown totem key', conf: sub('  token: 1000', '  tokne: 1000'), at: 'tokne', why: "CONF: line LINE: unknown totem option 'tokne'" },
  { name: 'unknown quorum key', conf: sub('  wait_for_all: 1', '  wait_for_all_nodes: 1'), at: 'wait_for_all_nodes', why: "CONF: line LINE: unknown quorum option 'wait_for_all_nodes'" },
  { name: 'unknown section', conf: GOOD + 'service {\n  name: pacemaker\n}\n', at: 'service {', why: "CONF: line LINE: unknown section 'service'" },
  {
    name: 'missing nodelist', conf: GOOD.slice(0, GOOD.indexOf('nodelist {')) + GOOD.slice(GOOD.indexOf('quorum {')),
    why: 'CONF: no nodelist section: quorate needs every node listed (nodelist { node { … } })',
  },
  { name: 'bad address', conf: sub('    ring0_addr: 127.0.0.1\n    ring0_port: 45102', '    ring0_addr: 127.0.0.300\n    ring0_port: 45102'), at: '127.0.0.300', why: "CONF: line LINE: ring0_addr '127.0.0.300' is not an IP address or host name" },
  { name: 'bad port', conf: sub('ring0_port: 45103', 'ring0_port: 70000'), at: '70000', why: 'CONF: line LINE: ring0_port 70000 is out of range' },
  { name: 'bad multicast address', conf: sub('  transport: tcp', '  transport: udp\n  interface {\n    mcastaddr: 10.0.0.1\n  }'), at: 'mcastaddr', why: "CONF: line LINE: mcastaddr '10.0.0.1' is not an IPv4 multicast address" },
  { name: 'missing key file (totem.keyfile)', conf: GOOD.replace('KEYFILE', '/nonexistent/quorate/authkey'), at: 'keyfile:', why: 'CONF: line LINE: totem.keyfile: cannot read key file /nonexistent/quorate/authkey' },
  { name: 'missing key file (--key)', conf: GOOD, args: ['--key', '/nonexistent/quorate/key2'], why: '--key: cannot read key file /nonexistent/quorate/key2' },
  { name: 'this node is not in the nodelist', conf: GOOD, args: ['--name', 'n9'], why: 'CONF: .*n9' },
];

for (const c of CASES) {
  test(`quorate node --config, ${c.name}: one line naming where, exit 2`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quorate-nodecfg-'));
    try {
      const keyPath = path.join(dir, 'authkey');
      writeFileSync(keyPath, Buffer.alloc(64, 5), { mode: 0o400 });
      const text = c.conf.replace('KEYFILE', keyPath);
      const cfg = path.join(dir, 'corosync.conf');
      writeFileSync(cfg, text);
      const sock = path.join(dir, 'n.sock');
      const args = ['node', '--config', cfg, '--name', 'n1', '--control', sock, ...(c.args ?? [])];
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `exit code (stderr: ${r.stderr})`);
      assert.equal(r.stdout, '', 'nothing started');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack trace');
      const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      let want = c.why.split('.*').map(esc).join('.*').replace('CONF', esc(cfg));
      if (c.at !== undefined) {
        const line = lineOf(text, c.at);
        assert.ok(line > 0);
        want = want.replace('LINE', String(line));
      }
      assert.match(lines[0]!, new RegExp(`^quorate node: ${want}`));
      assert.ok(!existsSync(sock), 'no control socket was created');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the good configuration of this file is accepted (the cases above fail for their one change)', async () => {
  const ports = await freePorts(3);
  const dir = mkdtempSync(path.join(tmpdir(), 'quorate-nodecfg-'));
  try {
    const keyPath = path.join(dir, 'authkey');
    writeFileSync(keyPath, Buffer.alloc(64, 5), { mode: 0o400 });
    const cfg = path.join(dir, 'corosync.conf');
    writeFileSync(cfg, GOOD.replace('KEYFILE', keyPath).replace(/4510(\d)/g, (_, i: string) => String(ports[Number(i) - 1])));
    // Started for real: a parse alone would not show the node accepts it. Waits for the
    // "started" line (bounded), not a fixed time, so a loaded machine cannot fail it.
    const child = spawn(process.execPath, [BIN, 'node', '--config', cfg, '--name', 'n1', '--control', path.join(dir, 'n.sock'), '--run-dir', path.join(dir, 'run')],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = new Promise<boolean>((resolve) => {
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (/started n1 /.test(out)) resolve(true); });
      void exited.then(() => resolve(false));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      // It did not refuse the configuration: it started, and was still running.
      assert.equal(await started, true, `node exited or hung before starting (stderr: ${err})`);
      assert.match(out, /started n1 cluster=cfgtest transport=totem-tcp key=.*authkey/);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
