import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryNetwork, viewString, type MemoryNetwork, type MemoryNetworkOptions } from '../../src/messaging/memory.js';
import type { MembershipView, MessageEvent } from '../../src/messaging/transport.js';

/** Per node: the sequence of delivered broadcasts and installed views, as strings. */
interface Harness {
  net: MemoryNetwork;
  names: string[];
  trace: Map<string, string[]>;
  views: Map<string, MembershipView[]>;
  direct: Map<string, MessageEvent[]>;
}

async function cluster(names: string[], opts: MemoryNetworkOptions = {}): Promise<Harness> {
  const net = memoryNetwork(opts);
  const trace = new Map<string, string[]>();
  const views = new Map<string, MembershipView[]>();
  const direct = new Map<string, MessageEvent[]>();
  for (const n of names) {
    trace.set(n, []);
    views.set(n, []);
    direct.set(n, []);
    const ep = net.endpoint(n);
    ep.on('view', v => {
      trace.get(n)!.push(`view ${viewString(v)}`);
      views.get(n)!.push(v);
    });
    ep.on('message', m => {
      if (m.kind === 'direct') direct.get(n)!.push(m);
      else trace.get(n)!.push(`${m.ringId.rep}/${m.ringId.seq}#${m.seq} ${m.from}:${JSON.stringify(m.payload)}`);
    });
    await ep.start();
  }
  return { net, names, trace, views, direct };
}

function lastView(h: Harness, n: string): MembershipView | undefined {
  return h.net.endpoint(n).view();
}

/** Everything delivered in ring `ring` by node n (messages only). */
function ringMessages(h: Harness, n: string, ring: string): string[] {
  return h.trace.get(n)!.filter(l => l.startsWith(`${ring}#`));
}

test('all nodes install one view after the join delay, not before', async () => {
  const h = await cluster(['a', 'b', 'c']);
  assert.equal(lastView(h, 'a'), undefined);
  await h.net.runFor(50);
  assert.equal(lastView(h, 'a'), undefined, 'no view before joinTimeoutMs');
  await h.net.runFor(200);
  for (const n of h.names) assert.deepEqual(lastView(h, n)?.members, ['a', 'b', 'c']);
  assert.deepEqual(lastView(h, 'a')?.ringId, lastView(h, 'c')?.ringId);
});

async function lossyRun(seed: number): Promise<Harness> {
  const h = await cluster(['n1', 'n2', 'n3', 'n4'], { seed });
  await h.net.runFor(200);
  h.net.loss(0.2);
  h.net.duplicate(0.2);
  h.net.reorder(0.3);
  h.net.delay(1, 8);
  for (let i = 0; i < 30; i++) {
    for (const n of h.names) {
      assert.ok(h.net.endpoint(n).broadcast({ from: n, i, body: { list: [i, n] } }).ok);
    }
    await h.net.runFor(3);
  }
  await h.net.runFor(3000);
  return h;
}

test('ordered delivery is identical on all members under loss, duplication and reorder', async () => {
  const h = await lossyRun(7);
  const ref = h.trace.get('n1')!;
  assert.equal(ref.filter(l => l.includes('#')).length, 120, 'every message delivered exactly once');
  for (const n of h.names) assert.deepEqual(h.trace.get(n), ref, `trace of ${n}`);
  // Each sender's messages keep their sending order.
  for (const s of h.names) {
    const is = ref.filter(l => l.includes(` ${s}:`)).map(l => JSON.parse(l.slice(l.indexOf(':') + 1)).i as number);
    assert.deepEqual(is, [...is].sort((x, y) => x - y));
  }
  const st = h.net.stats;
  assert.ok(st.dropped > 0 && st.duplicated > 0 && st.retransmitted > 0, JSON.stringify(st));
  // Faults were masked, and no extra view was needed.
  assert.equal(h.views.get('n1')!.length, 1);
});

test('replaying a seed gives the same delivery trace; another seed differs in timing', async () => {
  const a = await lossyRun(11);
  const b = await lossyRun(11);
  for (const n of a.names) assert.deepEqual(a.trace.get(n), b.trace.get(n));
  assert.deepEqual(a.net.stats, b.net.stats);
  const c = await lossyRun(12);
  assert.notDeepEqual(a.net.stats, c.net.stats);
});

test('a crash is detected only after the token timeout, then survivors get a new view', async () => {
  const h = await cluster(['a', 'b', 'c'], { tokenTimeoutMs: 1000 });
  await h.net.runFor(200);
  const first = lastView(h, 'a')!;
  h.net.crash('c');
  await h.net.runFor(900);
  assert.deepEqual(lastView(h, 'a'), first, 'not detected before the timeout');
  await h.net.runFor(300);
  const v = lastView(h, 'a')!;
  assert.deepEqual(v.members, ['a', 'b']);
  assert.ok(v.ringId.seq > first.ringId.seq);
  assert.deepEqual(lastView(h, 'b'), v);
  assert.equal(lastView(h, 'c'), undefined, 'crashed endpoint lost its state');
  // The survivors still order messages.
  h.net.endpoint('b').broadcast('after');
  await h.net.runFor(100);
  assert.ok(h.trace.get('a')!.at(-1)!.endsWith('b:"after"'));
  // Restart rejoins with a fresh run.
  h.net.restart('c');
  await h.net.runFor(300);
  for (const n of h.names) assert.deepEqual(lastView(h, n)?.members, ['a', 'b', 'c']);
});

test('partition gives two views; heal merges them into one with a new ring id', async () => {
  const h = await cluster(['a', 'b', 'c', 'd', 'e']);
  await h.net.runFor(200);
  h.net.partition([['a', 'b'], ['c', 'd', 'e']]);
  await h.net.runFor(1500);
  const left = lastView(h, 'a')!;
  const right = lastView(h, 'c')!;
  assert.deepEqual(left.members, ['a', 'b']);
  assert.deepEqual(right.members, ['c', 'd', 'e']);
  assert.notDeepEqual(left.ringId, right.ringId);
  assert.deepEqual(lastView(h, 'b'), left);
  assert.deepEqual(lastView(h, 'e'), right);
  // Each side keeps working on its own.
  h.net.endpoint('a').broadcast('left');
  h.net.endpoint('d').broadcast('right');
  await h.net.runFor(100);
  assert.ok(h.trace.get('b')!.at(-1)!.endsWith('a:"left"'));
  assert.ok(h.trace.get('e')!.at(-1)!.endsWith('d:"right"'));
  h.net.heal();
  await h.net.runFor(500);
  const merged = lastView(h, 'a')!;
  assert.deepEqual(merged.members, ['a', 'b', 'c', 'd', 'e']);
  assert.ok(merged.ringId.seq > Math.max(left.ringId.seq, right.ringId.seq));
  for (const n of h.names) assert.deepEqual(lastView(h, n), merged);
});

test('virtual synchrony: survivors deliver the same messages before the view change', async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const h = await cluster(['a', 'b', 'c', 'd'], { seed });
    await h.net.runFor(200);
    h.net.loss(0.3);
    h.net.reorder(0.2);
    h.net.delay(1, 5);
    const ring = `${lastView(h, 'a')!.ringId.rep}/${lastView(h, 'a')!.ringId.seq}`;
    for (let i = 0; i < 20; i++) {
      for (const n of h.names) if (!h.net.isCrashed(n)) h.net.endpoint(n).broadcast(`${n}${i}`);
      if (i === 12) h.net.crash('a'); // the sequencer dies mid-stream
      await h.net.runFor(5);
    }
    await h.net.runFor(3000);
    const survivors = ['b', 'c', 'd'];
    const ref = h.trace.get('b')!;
    for (const n of survivors) assert.deepEqual(h.trace.get(n), ref, `seed ${seed}: trace of ${n}`);
    const oldPart = ringMessages(h, 'b', ring);
    assert.ok(oldPart.length > 0, `seed ${seed}: some messages delivered in the first ring`);
    // Messages of survivors that were not ordered in the old ring arrive in the new one.
    for (const n of survivors) {
      for (let i = 0; i < 20; i++) assert.ok(ref.some(l => l.endsWith(`${n}:"${n}${i}"`)), `seed ${seed}: ${n}${i} delivered`);
    }
    assert.deepEqual(lastView(h, 'b')!.members, survivors);
  }
});

test('direct messages are reliable and FIFO under loss and reorder', async () => {
  const h = await cluster(['a', 'b'], { seed: 5 });
  await h.net.runFor(200);
  h.net.loss(0.3);
  h.net.reorder(0.3);
  h.net.duplicate(0.2);
  for (let i = 0; i < 40; i++) assert.ok(h.net.endpoint('a').send('b', { i }).ok);
  await h.net.runFor(2000);
  assert.deepEqual(h.direct.get('b')!.map(m => (m.payload as { i: number }).i), Array.from({ length: 40 }, (_, i) => i));
  assert.ok(h.direct.get('b')!.every(m => m.from === 'a' && m.kind === 'direct'));
  const r = h.net.endpoint('a').send('zz', 1);
  assert.equal(r.err && r.val.code, 'QUORATE_ERR_NOT_MEMBER');
});

test('bad payloads and stopped endpoints are errors, not exceptions', async () => {
  const h = await cluster(['a']);
  await h.net.runFor(200);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const r = h.net.endpoint('a').broadcast(cyclic as never);
  assert.equal(r.err && r.val.code, 'QUORATE_ERR_PAYLOAD');
  await h.net.endpoint('a').stop();
  const s = h.net.endpoint('a').broadcast(1);
  assert.equal(s.err && s.val.code, 'QUORATE_ERR_NOT_STARTED');
});

/** Payload part of a trace line. */
const payloadOf = (line: string): string => line.slice(line.indexOf(':') + 1);

/**
 * Checks virtual synchrony on traces: nodes that go from view X to the same
 * next view Y delivered the same messages in between (less any a node had
 * already delivered in an earlier view: a resent copy is skipped), within one
 * ring no two nodes deliver different messages at the same position, and no
 * node delivers a message twice in one run. A crash or stop ends a run.
 */
function checkVirtualSynchrony(h: Harness, label: string): void {
  const segments = new Map<string, { node: string; msgs: string[]; prior: Set<string> }>();
  const bySeq = new Map<string, string>();
  for (const n of h.names) {
    let current = 'none';
    let msgs: string[] = [];
    let prior = new Set<string>();
    for (const line of h.trace.get(n)!) {
      if (line.startsWith('view ')) {
        const next = line.slice(5);
        const key = `${current} -> ${next}`;
        const prev = segments.get(key);
        if (prev && current !== 'none') {
          const skip = new Set([...prior, ...prev.prior]);
          assert.deepEqual(
            msgs.filter(m => !skip.has(payloadOf(m))),
            prev.msgs.filter(m => !skip.has(payloadOf(m))),
            `${label}: ${n} and ${prev.node} differ between ${key}`,
          );
        } else if (!prev) segments.set(key, { node: n, msgs, prior: new Set(prior) });
        for (const m of msgs) prior.add(payloadOf(m));
        if (next.startsWith('crash') || next.startsWith('stop')) prior = new Set();
        current = next;
        msgs = [];
      } else {
        assert.ok(!prior.has(payloadOf(line)) && !msgs.some(m => payloadOf(m) === payloadOf(line)), `${label}: ${n} delivered ${line} twice`);
        msgs.push(line);
        const pos = line.slice(0, line.indexOf(' '));
        const other = bySeq.get(pos);
        assert.ok(other === undefined || other === line, `${label}: ${pos} is ${line} on ${n} but ${other} elsewhere`);
        bySeq.set(pos, line);
      }
    }
  }
}

/**
 * A random fault schedule from one seed: crashes, restarts, stops, starts,
 * three-way partitions and heals under loss, duplication, reorder and delay,
 * with traffic throughout; then heal and check safety and convergence.
 */
async function soak(seed: number): Promise<void> {
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const h = await cluster(names, {
    seed, tokenTimeoutMs: 200 + (seed % 5) * 100, joinTimeoutMs: 30 + (seed % 3) * 40, tickMs: 10 + (seed % 4) * 10,
  });
  let ends = 0;
  h.net.on('crash', n => h.trace.get(n)!.push(`view crash-${++ends}`));
  let x = seed;
  const rnd = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
  const pick = (): string => names[Math.floor(rnd() * names.length)]!;
  await h.net.runFor(100);
  h.net.loss(rnd() * 0.4);
  h.net.reorder(rnd() * 0.3);
  h.net.duplicate(rnd() * 0.2);
  h.net.delay(0, 1 + Math.floor(rnd() * 30));
  for (let step = 0; step < 80; step++) {
    for (const n of names) if (!h.net.isCrashed(n) && rnd() < 0.6) h.net.endpoint(n).broadcast(`${n}-${step}`);
    const r = rnd();
    if (r < 0.06) h.net.crash(pick());
    else if (r < 0.1) for (const n of names) h.net.restart(n);
    else if (r < 0.16) {
      const sh = [...names].sort(() => rnd() - 0.5);
      const cut = 1 + Math.floor(rnd() * 5);
      const cut2 = cut + Math.floor(rnd() * (6 - cut));
      h.net.partition([sh.slice(0, cut), sh.slice(cut, cut2), sh.slice(cut2)]);
    } else if (r < 0.2) h.net.heal();
    else if (r < 0.22) {
      const n = pick();
      const ep = h.net.endpoint(n);
      if (ep.running) {
        await ep.stop();
        h.trace.get(n)!.push(`view stop-${++ends}`);
      } else await ep.start();
    }
    await h.net.runFor(Math.floor(rnd() * 200));
  }
  h.net.heal();
  for (const n of names) {
    h.net.restart(n);
    await h.net.endpoint(n).start();
  }
  h.net.loss(0);
  h.net.reorder(0);
  h.net.duplicate(0);
  await h.net.runFor(5000);
  checkVirtualSynchrony(h, `seed ${seed}`);
  const v = lastView(h, 'a')!;
  assert.deepEqual(v.members, names, `seed ${seed}: converged`);
  for (const n of names) assert.deepEqual(lastView(h, n), v, `seed ${seed}: ${n} in the final view`);
  h.net.endpoint('e').broadcast('final');
  await h.net.runFor(300);
  for (const n of names) assert.ok(h.trace.get(n)!.at(-1)!.endsWith('e:"final"'), `seed ${seed}: ${n} got final`);
}

// Seeds 1014, 1101, 1105, 1147 once delivered a resent message twice (a sender
// cut off from its sequencer re-sends what may have been ordered there).
test('random fault schedules keep virtual synchrony and converge after healing', async () => {
  for (const seed of [1003, 1014, 1101, 1105, 1147, 1184, 1197, 1, 2, 3, 4, 5]) await soak(seed);
});

test('runFor lets asynchronous handlers make progress between steps', async () => {
  const h = await cluster(['a', 'b']);
  await h.net.runFor(200);
  // b answers every ping after an await, as async cluster code would.
  h.net.endpoint('b').on('message', async m => {
    if (m.payload !== 'ping') return;
    await Promise.resolve();
    await new Promise(r => setImmediate(r));
    h.net.endpoint('b').broadcast('pong');
  });
  h.net.endpoint('a').broadcast('ping');
  await h.net.runFor(100);
  assert.ok(h.trace.get('a')!.some(l => l.endsWith('b:"pong"')));
});

test('authenticated network: damaged frames are refused and counted, delivery still agrees', async () => {
  for (const encrypt of [false, true]) {
    const h = await cluster(['a', 'b', 'c'], { seed: 3, authKey: Buffer.alloc(32, 1), encrypt });
    await h.net.runFor(200);
    h.net.corrupt(0.2);
    h.net.duplicate(0.2);
    h.net.loss(0.1);
    for (let i = 0; i < 20; i++) for (const n of h.names) h.net.endpoint(n).broadcast({ n, i });
    await h.net.runFor(2000);
    const ref = h.trace.get('a')!;
    assert.equal(ref.filter(l => l.includes('#')).length, 60);
    for (const n of h.names) assert.deepEqual(h.trace.get(n), ref);
    const st = h.net.stats;
    assert.ok(st.corrupted > 0 && st.rejected >= st.corrupted, JSON.stringify(st));
  }
  assert.throws(() => memoryNetwork({ authKey: Buffer.alloc(3) }), RangeError);
});

test('unauthenticated network drops damaged frames like a checksum would', async () => {
  const h = await cluster(['a', 'b'], { seed: 4 });
  await h.net.runFor(200);
  h.net.corrupt(0.3);
  for (let i = 0; i < 20; i++) h.net.endpoint('b').broadcast(i);
  await h.net.runFor(1000);
  assert.equal(h.trace.get('a')!.filter(l => l.includes('#')).length, 20);
  assert.ok(h.net.stats.corrupted > 0);
  assert.equal(h.net.stats.rejected, 0);
});
