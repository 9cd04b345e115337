/**
 * Pacemaker's own checker on our output: for every scheduler regression CIB that
 * `crm_verify` accepts, it accepts our serialisation too (and it rejects ours exactly
 * when it rejects the original). Runs crm_verify 4 at a time; skipped without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { serialiseCib } from '../../src/cib/serialise.js';
import { CASES_DIR } from '../../scripts/paths.js';

const CORPUS = `${CASES_DIR}/xml`;
const CRM_VERIFY = ['/usr/sbin/crm_verify', '/usr/bin/crm_verify'].find(p => existsSync(p));
const PARALLEL = 4;

function verify(file: string): Promise<number> {
  return new Promise(resolve => {
    const child = spawn(CRM_VERIFY!, ['--xml-file', file], { stdio: 'ignore' });
    child.on('error', () => resolve(-1));
    child.on('close', code => resolve(code ?? -1));
  });
}

async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

const skip = CRM_VERIFY === undefined ? 'crm_verify is not installed' : !existsSync(CORPUS) ? `no corpus at ${CORPUS}` : false;

test('crm_verify accepts the serialised form of every CIB it accepts', { skip, timeout: 300_000 }, async t => {
  const files = readdirSync(CORPUS).filter(f => f.endsWith('.xml')).sort();
  const dir = mkdtempSync(join(tmpdir(), 'quorate-crm-verify-'));
  try {
    for (const f of files) writeFileSync(join(dir, f), serialiseCib(parseCib(readFileSync(join(CORPUS, f), 'utf8')).unwrap()));
    const started = performance.now();
    const results = await pool(files, PARALLEL, async f => ({ f, orig: await verify(join(CORPUS, f)), ours: await verify(join(dir, f)) }));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const accepted = results.filter(r => r.orig === 0);
    const oursAccepted = accepted.filter(r => r.ours === 0);
    const disagree = results.filter(r => (r.orig === 0) !== (r.ours === 0));
    t.diagnostic(`crm_verify: ${accepted.length}/${files.length} originals accepted, ${oursAccepted.length}/${accepted.length} of their serialisations accepted, ${disagree.length} disagreements, ${seconds}s at ${PARALLEL} in parallel`);
    assert.ok(accepted.length > 0, 'crm_verify accepted no original: is it working?');
    assert.deepEqual(accepted.filter(r => r.ours !== 0).map(r => `${r.f}: exit ${r.ours}`), []);
    assert.deepEqual(disagree.map(r => `${r.f}: original ${r.orig}, ours ${r.ours}`), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
