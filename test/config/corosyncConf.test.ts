import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorosyncConf, type CorosyncConfig } from '../../src/config/corosyncConf.js';
import { transportPlan, votequorumConfigOf, effectiveTokenMs, consensusMs } from '../../src/config/clusterOptions.js';
import { initVotequorum, votequorumStep } from '../../src/quorum/votequorum.js';

// A corosync 3 configuration as pcs writes it (plus comments and a logger_subsys block).
const PCS_CONF = `# Please read the corosync.conf.5 manual page
totem {
    version: 2
    cluster_name: web
    transport: knet
    token: 3000
    token_coefficient: 650
    consensus: 3600
    join: 60
    crypto_cipher: aes256
    crypto_hash: sha256
    keyfile: /etc/corosync/authkey

    interface {
        linknumber: 0
        knet_link_priority: 1
    }
}

nodelist {
    node {
        ring0_addr: 10.0.0.1
        name: alpha
        nodeid: 1
    }

    node {
        ring0_addr: 10.0.0.2
        ring1_addr: 10.1.0.2
        name: beta
        nodeid: 2
    }

    node {
        ring0_addr: gamma.example.com
        name: gamma
        nodeid: 3
        quorum_votes: 2
    }
}

quorum {
    provider: corosync_votequorum
    wait_for_all: 1
    last_man_standing: 1
    last_man_standing_window: 20000
    auto_tie_breaker: 1
    auto_tie_breaker_node: 3 1
}

logging {
    to_logfile: yes
    logfile: /var/log/cluster/corosync.log
    to_syslog: yes
    timestamp: on
    logger_subsys {
        subsys: QUORUM
        debug: off
    }
}
`;

function parse(text: string): CorosyncConfig {
  const r = parseCorosyncConf(text);
  assert.ok(r.ok, r.err ? r.val.message : '');
  return r.val;
}

test('a pcs-style corosync.conf parses into totem timers, crypto, nodes and votequorum options', () => {
  const c = parse(PCS_CONF);
  assert.equal(c.clusterName, 'web');
  assert.equal(c.transport, 'knet');
  assert.deepEqual(c.timers, { tokenMs: 3000, tokenCoefficientMs: 650, consensusMs: 3600, joinMs: 60 });
  assert.equal(c.auth, true);
  assert.equal(c.encrypt, true);
  assert.equal(c.keyFile, '/etc/corosync/authkey');
  assert.deepEqual(c.nodes, [
    { name: 'alpha', nodeId: 1, addr: '10.0.0.1', port: 5405, votes: 1 },
    { name: 'beta', nodeId: 2, addr: '10.0.0.2', port: 5405, votes: 1 },
    { name: 'gamma', nodeId: 3, addr: 'gamma.example.com', port: 5405, votes: 2 },
  ]);
  assert.deepEqual(c.quorum, {
    provider: 'corosync_votequorum', waitForAll: true, lastManStanding: true, lastManStandingWindowMs: 20000,
    autoTieBreaker: true, autoTieBreakerNode: [3, 1],
  });
  // 3 nodes: token + 1 × coefficient; consensus as written.
  assert.equal(effectiveTokenMs(c), 3650);
  assert.equal(consensusMs(c), 3600);
});

test('knet and tcp run Totem over TCP with the nodelist; timers and encryption carried over', () => {
  const c = parse(PCS_CONF);
  const p = transportPlan(c, 'beta');
  assert.ok(p.ok);
  assert.equal(p.val.kind, 'totem-tcp');
  assert.equal(p.val.options.nodeId, 2);
  assert.equal(p.val.options.encrypt, true);
  assert.equal(p.val.options.tokenMs, 3000);
  assert.equal(p.val.options.consensusMs, 3600);
  assert.deepEqual(p.val.options.nodes.map(n => `${n.id}:${n.name}@${n.host}:${n.port}`), ['1:alpha@10.0.0.1:5405', '2:beta@10.0.0.2:5405', '3:gamma@gamma.example.com:5405']);
  const unknown = transportPlan(c, 'delta');
  assert.ok(unknown.err);
  assert.match(unknown.val.message, /'delta' is not in the nodelist/);
});

const UDPU = `totem {
  cluster_name: u
  transport: udpu
  token: 400
  token_coefficient: 0
}
nodelist {
  node {
    name: a
    ring0_addr: 127.0.0.1
    ring0_port: 7001
  }
  node {
    name: b
    ring0_addr: 127.0.0.1
    ring0_port: 7002
  }
}
`;

test('udpu: unicast UDP heartbeat on per-node ring0_port; no crypto means no key is needed', () => {
  const c = parse(UDPU);
  assert.equal(c.auth, false);
  assert.equal(c.encrypt, false);
  assert.deepEqual(c.nodes.map(n => [n.nodeId, n.port]), [[1, 7001], [2, 7002]], 'nodeids default to list position');
  const p = transportPlan(c, 'b');
  assert.ok(p.ok);
  assert.equal(p.val.kind, 'udp');
  if (p.val.kind !== 'udp') return;
  assert.equal(p.val.options.mode, 'unicast');
  assert.equal(p.val.options.deadtimeMs, 400);
  assert.equal(p.val.options.intervalMs, 80);
  assert.equal(votequorumConfigOf(c), undefined, 'no quorum provider: no votequorum');
});

test('udp: multicast group, port, ttl and bind address from interface 0', () => {
  const c = parse(`totem {
  cluster_name: m
  transport: udp
  interface {
    ringnumber: 0
    bindnetaddr: 192.168.1.0
    mcastaddr: 239.255.1.1
    mcastport: 5407
    ttl: 2
  }
}
nodelist {
  node {
    ring0_addr: 192.168.1.10
    nodeid: 10
  }
  node {
    ring0_addr: 192.168.1.11
    nodeid: 11
  }
}
quorum {
  provider: corosync_votequorum
  two_node: 1
}
`);
  assert.deepEqual(c.nodes.map(n => [n.name, n.port]), [['192.168.1.10', 5407], ['192.168.1.11', 5407]], 'names default to ring0_addr; port to mcastport');
  const p = transportPlan(c, '192.168.1.11');
  assert.ok(p.ok && p.val.kind === 'udp');
  if (p.val.kind !== 'udp') return;
  assert.deepEqual([p.val.options.mode, p.val.options.group, p.val.options.port, p.val.options.ttl, p.val.options.multicastInterface],
    ['multicast', '239.255.1.1', 5407, 2, '192.168.1.0']);
  const vq = votequorumConfigOf(c);
  assert.deepEqual(vq, { nodes: [{ name: '192.168.1.10', nodeId: 10, votes: 1 }, { name: '192.168.1.11', nodeId: 11, votes: 1 }], twoNode: true });
  // The votequorum machine accepts it and keeps one survivor of two quorate once both were seen.
  const s = initVotequorum(vq!);
  assert.ok(s.ok);
  const [both] = votequorumStep(s.val, { type: 'view', members: ['192.168.1.10', '192.168.1.11'] });
  const [one] = votequorumStep(both, { type: 'view', members: ['192.168.1.10'] });
  assert.equal(one.status.quorate, true);
});

test('votequorum config from the file drives the state machine (weighted votes, tie-breaker list)', () => {
  const vq = votequorumConfigOf(parse(PCS_CONF));
  assert.ok(vq);
  const s = initVotequorum(vq);
  assert.ok(s.ok);
  // gamma has 2 of 4 votes: an exact half; the tie-breaker list names nodeid 3 (gamma) first.
  const [all] = votequorumStep(s.val, { type: 'view', members: ['alpha', 'beta', 'gamma'] });
  const [g] = votequorumStep(all, { type: 'view', members: ['gamma'] });
  assert.equal(g.status.quorate, true);
  assert.equal(g.status.tieBreakerUsed, true);
  const [ab] = votequorumStep(all, { type: 'view', members: ['alpha', 'beta'] });
  assert.equal(ab.status.quorate, false);
});

/** Replaces the first occurrence of `from` in PCS_CONF. */
function variant(from: string, to: string): string {
  assert.ok(PCS_CONF.includes(from), from);
  return PCS_CONF.replace(from, to);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex(l => l.includes(needle)) + 1;
}

const BAD: readonly { name: string; text: string; line: (t: string) => number; why: RegExp }[] = [
  { name: 'unknown totem key', text: variant('    join: 60', '    jion: 60'), line: t => lineOf(t, 'jion'), why: /unknown totem option 'jion'/ },
  { name: 'unknown quorum key', text: variant('    wait_for_all: 1', '    wait_for_everyone: 1'), line: t => lineOf(t, 'wait_for_everyone'), why: /unknown quorum option/ },
  { name: 'unknown node key', text: variant('        nodeid: 1\n', '        node_id: 1\n'), line: t => lineOf(t, 'node_id'), why: /unknown node option 'node_id'/ },
  { name: 'unknown section', text: PCS_CONF + 'amf {\n  mode: disabled\n}\n', line: t => lineOf(t, 'amf {'), why: /unknown section 'amf'/ },
  { name: 'bad number', text: variant('    token: 3000', '    token: 3s'), line: t => lineOf(t, 'token: 3s'), why: /token '3s' is not a number/ },
  { name: 'number out of range', text: variant('        nodeid: 2', '        nodeid: 0'), line: t => lineOf(t, 'nodeid: 0'), why: /nodeid 0 is out of range/ },
  { name: 'bad boolean', text: variant('    wait_for_all: 1', '    wait_for_all: maybe'), line: t => lineOf(t, 'maybe'), why: /is not 0 or 1/ },
  { name: 'bad address', text: variant('10.0.0.1', '10.0.0.256'), line: t => lineOf(t, '10.0.0.256'), why: /ring0_addr '10.0.0.256' is not an IP address or host name/ },
  { name: 'bad hostname', text: variant('gamma.example.com', 'gamma_bad!'), line: t => lineOf(t, 'gamma_bad!'), why: /not an IP address or host name/ },
  { name: 'bad transport', text: variant('transport: knet', 'transport: infiniband'), line: t => lineOf(t, 'infiniband'), why: /transport 'infiniband'/ },
  { name: 'bad cipher', text: variant('crypto_cipher: aes256', 'crypto_cipher: rot13'), line: t => lineOf(t, 'rot13'), why: /crypto_cipher 'rot13'/ },
  { name: 'cipher without hash', text: variant('crypto_hash: sha256', 'crypto_hash: none'), line: t => lineOf(t, 'totem {'), why: /needs a crypto_hash/ },
  { name: 'unclosed section', text: variant('    logger_subsys {\n        subsys: QUORUM\n        debug: off\n    }\n', '    logger_subsys {\n        subsys: QUORUM\n'), line: t => lineOf(t, 'logging {'), why: /section 'logging' is never closed/ },
  { name: 'extra closing brace', text: PCS_CONF + '}\n', line: t => t.split('\n').length - 1, why: /'}' closes no section/ },
  { name: 'garbage line', text: variant('    join: 60', '    join 60'), line: t => lineOf(t, 'join 60'), why: /cannot read 'join 60'/ },
  { name: 'duplicate nodeid', text: variant('        nodeid: 2', '        nodeid: 1'), line: t => lineOf(t, 'ring0_addr: 10.0.0.2') - 1, why: /nodeid 1 is already used by node alpha/ },
  { name: 'two_node with three nodes', text: variant('    wait_for_all: 1', '    two_node: 1'), line: t => lineOf(t, 'quorum {'), why: /two_node needs exactly two votes/ },
  { name: 'tie-breaker not in nodelist', text: variant('auto_tie_breaker_node: 3 1', 'auto_tie_breaker_node: 9'), line: t => lineOf(t, 'auto_tie_breaker_node: 9'), why: /nodeid 9, which is not in the nodelist/ },
  { name: 'unsupported quorum provider', text: variant('provider: corosync_votequorum', 'provider: corosync_quorum'), line: t => lineOf(t, 'corosync_quorum'), why: /not supported/ },
  { name: 'option outside a section', text: 'token: 1000\n' + PCS_CONF, line: () => 1, why: /must be inside a section/ },
  { name: 'node without address', text: variant('        ring0_addr: 10.0.0.1\n', ''), line: t => lineOf(t, 'node {'), why: /node has no ring0_addr/ },
];

for (const c of BAD) {
  test(`refused with the line and why: ${c.name}`, () => {
    const r = parseCorosyncConf(c.text);
    assert.ok(r.err, 'accepted');
    assert.equal(r.val.code, 'QUORATE_ERR_BAD_CONFIG');
    assert.equal(r.val.line, c.line(c.text), r.val.message);
    assert.match(r.val.message, new RegExp(`^line ${r.val.line}: `));
    assert.match(r.val.message, c.why);
  });
}

test('missing nodelist or totem, or no cluster_name, is refused for the file as a whole', () => {
  const noNodes = parseCorosyncConf('totem {\n  cluster_name: x\n}\n');
  assert.ok(noNodes.err);
  assert.match(noNodes.val.message, /no nodelist section/);
  const noTotem = parseCorosyncConf('nodelist {\n  node {\n    ring0_addr: 10.0.0.1\n  }\n}\n');
  assert.ok(noTotem.err);
  assert.match(noTotem.val.message, /no totem section/);
  const noName = parseCorosyncConf('totem {\n  transport: udpu\n}\nnodelist {\n  node {\n    ring0_addr: 10.0.0.1\n  }\n}\n');
  assert.ok(noName.err);
  assert.equal(noName.val.line, 1);
  assert.match(noName.val.message, /no cluster_name/);
  const empty = parseCorosyncConf('totem {\n  cluster_name: x\n}\nnodelist {\n}\n');
  assert.ok(empty.err);
  assert.match(empty.val.message, /line 4: nodelist has no node/);
});

test('udp without a multicast address cannot be planned; mcastaddr must be multicast', () => {
  const c = parse(UDPU.replace('transport: udpu', 'transport: udp'));
  const p = transportPlan(c, 'a');
  assert.ok(p.err);
  assert.match(p.val.message, /needs totem.interface/);
  const bad = parseCorosyncConf(UDPU.replace('  token: 400', '  interface {\n    mcastaddr: 10.1.1.1\n  }'));
  assert.ok(bad.err);
  assert.match(bad.val.message, /line 5: mcastaddr '10.1.1.1' is not an IPv4 multicast address/);
});

test('IPv6 ring addresses are accepted; secauth: on means sha256 + aes256', () => {
  const c = parse(`totem {
  cluster_name: six
  secauth: on
}
nodelist {
  node {
    ring0_addr: fd00::1
    name: a
    nodeid: 1
  }
  node {
    ring0_addr: fd00::2
    name: b
    nodeid: 2
  }
}
`);
  assert.deepEqual(c.nodes.map(n => n.addr), ['fd00::1', 'fd00::2']);
  assert.deepEqual([c.cryptoHash, c.cryptoCipher, c.auth, c.encrypt], ['sha256', 'aes256', true, true]);
});
