/**
 * `npm run bench`: the policy-engine benchmark, then the transport benchmark if
 * bench/transport.ts is present and exports a runner. Flags: `--quick` (small
 * run), `--full` (every regression case), `--only=policy|transport`.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runPolicyBench } from './policy.js';

const args = new Set(process.argv.slice(2));
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);
const quick = args.has('--quick');
const full = args.has('--full');

/** Names a transport benchmark module may export its runner under. */
const TRANSPORT_RUNNERS = ['runTransportBench', 'runBench', 'run', 'default'] as const;

async function transport(): Promise<void> {
  const file = fileURLToPath(new URL('./transport.js', import.meta.url));
  if (!existsSync(file)) return;
  console.log('\n== Transport benchmark ==');
  // Only import a module that exports a runner: a script-style module runs (and may exit) on import.
  const src = readFileSync(file, 'utf8');
  const name = TRANSPORT_RUNNERS.find((n) => (n === 'default'
    ? /export\s+default\b/.test(src)
    : new RegExp(`export\\s+(async\\s+)?function\\s+${n}\\b|export\\s+const\\s+${n}\\b`).test(src)));
  if (name !== undefined) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof mod[name] === 'function') {
      await (mod[name] as (o: { quick: boolean; full: boolean }) => unknown)({ quick, full });
      return;
    }
  }
  // No runner exported: run it as its own script, in a child process.
  const r = spawnSync(process.execPath, [file, ...(quick ? ['--quick'] : []), ...(full ? ['--full'] : [])], { stdio: 'inherit' });
  if (r.status !== 0) console.log(`transport benchmark exited with ${r.status ?? r.signal}`);
}

async function main(): Promise<void> {
  if (only === undefined || only === 'policy') runPolicyBench({ quick, full });
  if (only === undefined || only === 'transport') await transport();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
