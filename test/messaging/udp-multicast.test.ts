import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/udpMulticastCluster.js', import.meta.url));
const ip = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find(p => existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root to create a network namespace'
  : !ip ? 'needs the ip tool (iproute2)' : false;

test('udp multicast: 3 nodes in a private network namespace agree on views and order', { skip }, () => {
  const ns = `quorate-mc-${process.pid}`;
  const run = (...args: string[]): void => {
    execFileSync(ip!, args, { stdio: 'pipe' });
  };
  try {
    run('netns', 'add', ns);
    run('-n', ns, 'link', 'set', 'lo', 'up');
    run('-n', ns, 'link', 'set', 'lo', 'multicast', 'on');
    run('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
    const r = spawnSync(ip!, ['netns', 'exec', ns, process.execPath, fixture], { encoding: 'utf8', timeout: 25_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const v = JSON.parse(line || '{}') as Record<string, unknown>;
    assert.equal(v.error, undefined, String(v.error));
    assert.equal(v.formed, true, 'view of three formed');
    assert.equal(v.delivered, true, 'all delivered');
    assert.equal(v.sameOrder, true, 'same order everywhere');
    assert.equal(v.count, 300);
    assert.equal(v.shrunk, true, 'view of two after a stop');
  } finally {
    spawnSync(ip!, ['netns', 'del', ns], { stdio: 'pipe' });
  }
});
