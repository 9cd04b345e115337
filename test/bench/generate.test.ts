import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCloneCib, generatePrimitiveCib, type GeneratedCib } from '../../bench/generate.js';
import { opDigest } from '../../bench/cibXml.js';
import { parseCib } from '../../src/cib/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'quorate-bench-gen-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, g: GeneratedCib): string {
  const f = join(dir, name);
  writeFileSync(f, g.xml);
  return f;
}

function run(cmd: string, args: string[]): { rc: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  return { rc: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The "Transition Summary" lines crm_simulate -S prints. */
function transitionSummary(out: string): string[] {
  const m = /Transition Summary:\n([\s\S]*?)\n\s*\n/.exec(out);
  return (m?.[1] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

test('op digests reproduce the ones in the upstream regression cases', () => {
  assert.equal(opDigest({}, 0, 20_000), 'f2317cad3d54cec5d7d7aa7d0bf35cf8');
  assert.equal(opDigest({}, 60_000, 20_000), '4811cef7f7f94e3a35a70be7916cb2fd');
  assert.equal(opDigest({}, 10_000, 30_000), '02a5bcf940fc8d3239701acb11438d6a');
  assert.notEqual(opDigest({ fake: 'a' }, 0, 20_000), opDigest({ fake: 'b' }, 0, 20_000));
});

test('generation is deterministic for a seed and differs across seeds', () => {
  const a = generatePrimitiveCib({ nodes: 5, primitives: 30, seed: 7 });
  const b = generatePrimitiveCib({ nodes: 5, primitives: 30, seed: 7 });
  const c = generatePrimitiveCib({ nodes: 5, primitives: 30, seed: 8 });
  assert.equal(a.xml, b.xml);
  assert.notEqual(a.xml, c.xml);
  assert.equal(a.lostNode, 'node5');
  assert.ok(a.counts.groups > 0 && a.counts.constraints > 0);
  assert.equal((a.xml.match(/type="Dummy"/g) ?? []).length >= 30, true);
});

test('crm_verify accepts generated primitive and clone CIBs of a healthy cluster', () => {
  const p = write('prim-ok.xml', generatePrimitiveCib({ nodes: 4, primitives: 24, seed: 11, lostNode: false }));
  const c = write('clone-ok.xml', generateCloneCib({ nodes: 4, clones: 6, promotable: 3, seed: 11, lostNode: false }));
  for (const f of [p, c]) {
    const r = run('crm_verify', ['-V', '-x', f]);
    assert.equal(r.rc, 0, `${f}: ${r.err}`);
    assert.doesNotMatch(r.err, /error|warning/i);
  }
});

test('with a lost node crm_verify reports only the node loss', () => {
  const g = generatePrimitiveCib({ nodes: 4, primitives: 24, seed: 12 });
  const r = run('crm_verify', ['-VV', '-x', write('prim-lost.xml', g)]);
  assert.doesNotMatch(r.err, /error:/i);
  const lines = r.err.split('\n').filter((l) => /warning:/.test(l));
  assert.ok(lines.length > 0);
  for (const l of lines) assert.match(l, /node4/, l);
});

test('parseCib accepts generated CIBs', () => {
  for (const g of [generatePrimitiveCib({ nodes: 6, primitives: 40, seed: 3 }), generateCloneCib({ nodes: 6, clones: 10, promotable: 4, seed: 3 })]) {
    const r = parseCib(g.xml);
    assert.ok(r.ok, r.ok ? '' : r.val.message);
  }
});

test('crm_simulate plans only the fencing and the lost node\'s resources (digests match, probes recorded)', () => {
  const g = generatePrimitiveCib({ nodes: 5, primitives: 40, seed: 21 });
  const r = run('crm_simulate', ['-x', write('prim-sim.xml', g), '-S']);
  const lines = transitionSummary(r.out);
  assert.ok(lines.some((l) => /^\* Fence \(reboot\) node5/.test(l)), r.out);
  const onLost = [...g.placement].filter(([, n]) => n === 'node5').map(([id]) => id);
  assert.ok(onLost.length > 0);
  for (const l of lines.filter((x) => !x.startsWith('* Fence'))) {
    const m = /^\* (\w+)\s+(\S+)\s+\(\s*node5\s*->/.exec(l) ?? /^\* (Stop|Recover)\s+(\S+)\s+\(\s*node5\s*\)/.exec(l);
    assert.ok(m !== null, `unexpected action: ${l}`);
    assert.ok(onLost.includes(m[2]!), l);
  }
  // A probe shows as "monitor on NODE" with no interval; recorded probe results leave none to do.
  assert.doesNotMatch(r.out, /Resource action:\s+\S+\s+monitor on /);
});

test('crm_simulate on a clone-heavy CIB stops the lost node\'s instances and re-promotes', () => {
  const g = generateCloneCib({ nodes: 4, clones: 5, promotable: 8, seed: 5 });
  const r = run('crm_simulate', ['-x', write('clone-sim.xml', g), '-S']);
  const lines = transitionSummary(r.out);
  assert.ok(lines.some((l) => /^\* Fence \(reboot\) node4/.test(l)), r.out);
  assert.ok(lines.some((l) => /^\* Promote\s+st4:/.test(l)), r.out);
  for (const l of lines) assert.match(l, /node4|Promote/, l);
});
