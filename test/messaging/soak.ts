/**
 * The soak shared by totem-soak and udp-soak: N node processes stream
 * numbered broadcasts for `soakMs`; one is SIGKILLed midway. Survivors must
 * deliver the same messages and views in the same order, none lost (every
 * survivor's own messages), none duplicated, per-sender FIFO without gaps.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { agreed, startNode, type NodeProc } from './totemProcs.js';
import { freePorts, freeUdpPorts, waitFor } from './socketHelpers.js';

const TIMERS = { tcp: { tokenMs: 300, tokenCoefficientMs: 100, joinMs: 30, mergeMs: 100 }, udp: { intervalMs: 50, deadtimeMs: 600 } };
const N = 4;

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

export async function soak(kind: 'tcp' | 'udp', SOAK_MS: number): Promise<void> {
  const ports = kind === 'udp' ? await freeUdpPorts(N) : await freePorts(N);
  const nodes = ports.map((port, i) => ({ id: i + 1, name: `n${i + 1}`, host: '127.0.0.1', port }));
  const names = nodes.map(n => n.name);
  const key = randomBytes(32).toString('hex');
  const procs: NodeProc[] = nodes.map(n => startNode(n.id, nodes, key, TIMERS[kind], [], [], kind));
  const errs = (): string => procs.map(p => `${p.name}: views ${p.views.slice(-3).map(v => `${v.rep}/${v.seq}:${v.members.join(',')}`).join(' ')}; ` +
    `${p.msgs.length} msgs; ${p.errors.join(' | ').slice(0, 500)}`).join('\n');
  try {
    assert.ok(await waitFor(() => agreed(procs, names), 15_000), `ring of ${N} formed\n${errs()}`);
    for (const p of procs) p.command({ cmd: 'stream', window: 20 });
    await sleep(SOAK_MS / 2);
    // n2 dies without a word: no FIN handshake from a graceful stop, no flush.
    const victim = procs[1]!;
    victim.child.kill('SIGKILL');
    const survivors = procs.filter(p => p !== victim);
    const rest = survivors.map(p => p.name);
    assert.ok(await waitFor(() => agreed(survivors, rest), 10_000), `survivors installed a view without ${victim.name}\n${errs()}`);
    await sleep(SOAK_MS / 2);
    for (const p of survivors) p.command({ cmd: 'halt' });
    assert.ok(await waitFor(() => survivors.every(p => p.sent !== undefined), 5_000), 'survivors stopped streaming');
    // Quiescence: every survivor's own messages have come round, and nothing more arrives.
    const own = (p: NodeProc): number => p.msgs.filter(m => m.from === p.name).length;
    assert.ok(await waitFor(() => survivors.every(p => own(p) === p.sent), 15_000),
      `every survivor delivered all it broadcast: ${survivors.map(p => `${p.name} ${own(p)}/${p.sent}`).join(', ')}\n${errs()}`);
    assert.ok(await waitFor(() => survivors.every(p => p.msgs.length === survivors[0]!.msgs.length), 10_000), 'all survivors caught up');

    const total = survivors[0]!.msgs.length;
    // Same total order, and the same views at the same points, everywhere —
    // from the first view of all N on (start-up singleton views differ).
    const fromWhole = (p: NodeProc): string[] => p.events.slice(p.events.findIndex(e => e.startsWith('view ') && e.endsWith(` ${names.join(',')}`)));
    const ref = fromWhole(survivors[0]!);
    for (const p of survivors.slice(1)) {
      assert.equal(p.msgs.length, total, `${p.name} delivered as many as ${survivors[0]!.name}`);
      const ev = fromWhole(p);
      const i = ev.findIndex((e, k) => e !== ref[k]);
      assert.equal(i, -1, `${p.name} diverges from ${survivors[0]!.name} at event ${i}: ${ev[i]} vs ${ref[i]}`);
      assert.equal(ev.length, ref.length);
    }
    for (const p of survivors) {
      const seen = new Set<string>();
      const next = new Map<string, number>();
      for (const m of p.msgs) {
        const id = `${m.from}#${m.p.n}`;
        assert.ok(!seen.has(id), `${p.name} delivered ${id} twice`);
        seen.add(id);
        // Per-sender FIFO without gaps: a sender's messages arrive 0, 1, 2, …
        const want = next.get(m.from) ?? 0;
        assert.equal(m.p.n, want, `${p.name}: from ${m.from} expected #${want}, got #${m.p.n}`);
        next.set(m.from, want + 1);
      }
      for (const s of survivors) assert.equal(next.get(s.name), s.sent, `${p.name} has all ${s.sent} of ${s.name}'s messages`);
    }
    const perSender = Object.fromEntries(names.map(n => [n, survivors[0]!.msgs.filter(m => m.from === n).length]));
    assert.ok(perSender[victim.name]! > 0 && survivors.every(s => perSender[s.name]! > 0), 'everyone got messages through');
    console.log(`# ${kind} soak ${SOAK_MS} ms: ${total} messages delivered identically on ${survivors.length} survivors ` +
      `(per sender ${JSON.stringify(perSender)}); views on ${survivors[0]!.name}: ${survivors[0]!.views.length}`);
  } finally {
    await Promise.all(procs.map(p => p.close()));
  }
}
