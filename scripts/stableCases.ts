/**
 * Lists the regression cases whose simulated outcome is stable per crm_simulate:
 * `crm_simulate -x xml/NAME.xml -S -O OUT -Q` (apply the transition, keep the
 * revised CIB), then `crm_simulate -x OUT -S` — stable when that second
 * Transition Summary is empty. Writes test/fixtures/crm-stable-cases.txt, which
 * the convergence property test reads. Needs crm_simulate (Pacemaker 2.1.5).
 *
 * Usage: `node dist/scripts/stableCases.js [outDir]` (outDir: scratch for revised CIBs).
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CASES_DIR, REPO_ROOT } from './paths.js';

interface Row { name: string; extra: string[] }

function readCases(): Row[] {
  const lines = readFileSync(join(CASES_DIR, 'cases.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const f = l.split('\t');
    return { name: f[0]!, extra: (f[5] ?? '').split(/\s+/).filter(Boolean) };
  });
}

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('crm_simulate', args, { maxBuffer: 64 << 20, timeout: 120_000 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, out: stdout });
    });
  });
}

/** The lines of one section, e.g. "Transition Summary:" (up to the next blank line). */
export function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const i = lines.indexOf(title);
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < lines.length && lines[j]!.trim() !== ''; j++) out.push(lines[j]!);
  return out;
}

async function check(row: Row, outDir: string): Promise<'stable' | 'stable+ops' | 'unstable' | 'error'> {
  const revised = join(outDir, `${row.name}.xml`);
  const first = await run(['-x', join(CASES_DIR, 'xml', `${row.name}.xml`), ...row.extra, '-S', '-O', revised, '-Q']);
  if (first.code !== 0) return 'error';
  const second = await run(['-x', revised, ...row.extra, '-S']);
  // A transition with blocked actions exits non-zero yet still prints its summary.
  if (!second.out.includes('Transition Summary:')) return 'error';
  if (section(second.out, 'Transition Summary:').length > 0) return 'unstable';
  // Stable, yet the transition may still run resource actions (probes, monitors, deletes).
  return section(second.out, 'Executing Cluster Transition:').some((l) => l.includes('Resource action:')) ? 'stable+ops' : 'stable';
}

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? join(tmpdir(), 'quorate-stable-cases');
  mkdirSync(outDir, { recursive: true });
  const rows = readCases();
  const result = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const row = rows[next++]!;
      result.set(row.name, await check(row, outDir));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const stable = rows.filter((r) => result.get(r.name)?.startsWith('stable')).map((r) => (result.get(r.name) === 'stable+ops' ? `${r.name} +ops` : r.name));
  const errors = rows.filter((r) => result.get(r.name) === 'error').map((r) => r.name);
  const header = [
    '# Regression cases whose outcome crm_simulate 2.1.5 itself considers stable: after',
    '#   crm_simulate -x xml/NAME.xml [extra_args] -S -O OUT -Q',
    '# the run `crm_simulate -x OUT [extra_args] -S` has an empty Transition Summary.',
    '# "NAME +ops": that second transition still executes resource actions (probes, monitors, deletes).',
    '# Regenerate: npx tsc -p tsconfig.json && node dist/scripts/stableCases.js',
    `# ${stable.length} of ${rows.length} cases stable; ${errors.length} could not be simulated${errors.length ? `: ${errors.join(' ')}` : ''}.`,
  ];
  writeFileSync(join(REPO_ROOT, 'test', 'fixtures', 'crm-stable-cases.txt'), [...header, ...stable, ''].join('\n'));
  console.log(`${stable.length}/${rows.length} stable, ${errors.length} errors`);
}

await main();
