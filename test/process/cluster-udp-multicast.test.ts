import { test } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { failoverScenario } from './scenario.js';

const ip = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find(p => existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root to create a network namespace'
  : !ip ? 'needs the ip tool (iproute2)' : false;

// Multicast must not leave the machine: the nodes run in a private network namespace with only loopback.
test('3 quorate node processes over multicast UDP (transport: udp) in a private namespace: failover and rejoin', { skip, timeout: 60_000 }, async t => {
  const ns = `quorate-pmc-${process.pid}`;
  const run = (...args: string[]): void => { execFileSync(ip!, args, { stdio: 'pipe' }); };
  try {
    run('netns', 'add', ns);
    run('-n', ns, 'link', 'set', 'lo', 'up');
    run('-n', ns, 'link', 'set', 'lo', 'multicast', 'on');
    run('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
    const r = await failoverScenario({
      nodes: 3, transport: 'udp', tokenMs: 500,
      netns: { ip: ip!, name: ns }, multicast: { group: '239.192.88.1', port: 5405 },
    }, msg => t.diagnostic(msg));
    t.diagnostic(`udp multicast: detect ${r.detectMs} ms, recover ${r.recoverMs} ms, rejoin ${r.rejoinMs} ms`);
  } finally {
    spawnSync(ip!, ['netns', 'del', ns], { stdio: 'pipe' });
  }
});
