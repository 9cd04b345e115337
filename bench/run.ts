/**
 * `npm run bench`: the policy-engine benchmark, then the transport benchmark if
 * bench/transport.ts is present and exports a runner. Flags: `--quick` (small
 * run), `--full` (every regression case), `--only=policy|transport`.
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPolicyBench } from './policy.js';

const args = new Set(process.argv.slice(2));
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);
const quick = args.has('--quick');
const full = args.has('--full');

/** Names a transport benchmark module may export its runner under. */
const TRANSPORT_RUNNERS = ['runTransportBench', 'runBench', 'run', 'default'] as const;

async function transport(): Promise<void> {
  const url = new URL('./transport.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return;
  const mod = (await import(url.href)) as Record<string, unknown>;
  const name = TRANSPORT_RUNNERS.find((n) => typeof mod[n] === 'function');
  if (name === undefined) {
    console.log('\nbench/transport.js exports no runner; skipped.');
    return;
  }
  console.log('\n== Transport benchmark ==');
  await (mod[name] as (o: { quick: boolean; full: boolean }) => unknown)({ quick, full });
}

async function main(): Promise<void> {
  if (only === undefined || only === 'policy') runPolicyBench({ quick, full });
  if (only === undefined || only === 'transport') await transport();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
