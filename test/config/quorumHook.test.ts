import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../src/cluster/Cluster.js';
import type { Node } from '../../src/cluster/Node.js';
import { memoryNetwork } from '../../src/messaging/memory.js';
import { QuorumTracker } from '../../src/quorum/QuorumTracker.js';
import { parseCorosyncConf } from '../../src/config/corosyncConf.js';
import { votequorumConfigOf } from '../../src/config/clusterOptions.js';

const conf = (names: readonly string[], quorum: string): string => `totem {
  cluster_name: q
  transport: udpu
}
nodelist {
${names.map((n, i) => `  node {\n    name: ${n}\n    nodeid: ${i + 1}\n    ring0_addr: 127.0.0.1\n    ring0_port: ${7100 + i}\n  }`).join('\n')}
}
quorum {
  provider: corosync_votequorum
${quorum}
}
`;

async function members(names: readonly string[], quorumLines: string | undefined, seed: number) {
  const net = memoryNetwork({ seed });
  const nodes: Node[] = [];
  for (const n of names) {
    let quorum: QuorumTracker | undefined;
    if (quorumLines !== undefined) {
      const cfg = parseCorosyncConf(conf(names, quorumLines));
      assert.ok(cfg.ok, cfg.err ? cfg.val.message : '');
      const t = QuorumTracker.create(votequorumConfigOf(cfg.val)!, net.clock);
      assert.ok(t.ok);
      quorum = t.val;
    }
    nodes.push(await Cluster.join({ name: 'q', transport: net.endpoint(n), clock: net.clock, nodes: names, ...(quorum ? { quorum } : {}) }));
  }
  assert.ok(await net.runUntil(() => nodes.every(x => x.synced && x.view?.members.length === names.length), 10_000));
  return { net, nodes };
}

test('two_node from corosync.conf keeps the survivor of a two-node cluster quorate (a simple majority would not)', async () => {
  const withVq = await members(['a', 'b'], '  two_node: 1', 5);
  assert.ok(withVq.nodes.every(n => n.hasQuorum));
  withVq.net.crash('b');
  assert.ok(await withVq.net.runUntil(() => withVq.nodes[0]!.synced && withVq.nodes[0]!.view?.members.join() === 'a', 10_000));
  assert.equal(withVq.nodes[0]!.hasQuorum, true);
  assert.equal(withVq.nodes[0]!.quorumNeeded(), 1);
  assert.equal(withVq.nodes[0]!.status('q').quorum, true);
  await withVq.nodes[0]!.stop();

  const plain = await members(['a', 'b'], undefined, 5);
  plain.net.crash('b');
  assert.ok(await plain.net.runUntil(() => plain.nodes[0]!.synced && plain.nodes[0]!.view?.members.join() === 'a', 10_000));
  assert.equal(plain.nodes[0]!.hasQuorum, false, 'without the hook one of two is no majority');
  await plain.nodes[0]!.stop();
});

test('wait_for_all from corosync.conf: no quorum until every node was seen, even with a majority present', async () => {
  const names = ['a', 'b', 'c'];
  const net = memoryNetwork({ seed: 9 });
  const trackers = names.map(() => {
    const cfg = parseCorosyncConf(conf(names, '  wait_for_all: 1'));
    assert.ok(cfg.ok);
    const t = QuorumTracker.create(votequorumConfigOf(cfg.val)!, net.clock);
    assert.ok(t.ok);
    return t.val;
  });
  const a = await Cluster.join({ name: 'q', transport: net.endpoint('a'), clock: net.clock, nodes: names, quorum: trackers[0]! });
  const b = await Cluster.join({ name: 'q', transport: net.endpoint('b'), clock: net.clock, nodes: names, quorum: trackers[1]! });
  assert.ok(await net.runUntil(() => a.synced && b.synced && a.view?.members.length === 2, 10_000));
  assert.equal(a.hasQuorum, false, '2 of 3 votes, but c was never seen');
  const c = await Cluster.join({ name: 'q', transport: net.endpoint('c'), clock: net.clock, nodes: names, quorum: trackers[2]! });
  assert.ok(await net.runUntil(() => [a, b, c].every(n => n.synced && n.view?.members.length === 3), 10_000));
  assert.ok([a, b, c].every(n => n.hasQuorum));
  net.crash('c');
  assert.ok(await net.runUntil(() => a.synced && a.view?.members.length === 2, 10_000));
  assert.equal(a.hasQuorum, true, 'after all were seen, a majority is quorate again');
  for (const n of [a, b]) await n.stop();
});
