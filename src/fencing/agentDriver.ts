/**
 * Runs `fence_*` programs the way Pacemaker's fencer does: no arguments,
 * `key=value` lines on stdin (action, plug, nodename and the device
 * parameters), exit code 0 for success.
 * @module
 */
import { access, constants } from 'node:fs/promises';
import type { Clock } from '../util/clock.js';
import { runProgram } from '../agents/spawn.js';
import { parseAgentMetadata, type AgentMetadata } from '../agents/metadata.js';
import { AGENT_PATH } from '../agents/ocf.js';

/** Where fence agents are installed by default. */
export const DEFAULT_FENCE_AGENT_DIR = '/usr/sbin';

/** The outcome of one fence agent run. */
export interface FenceAgentRun {
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly notInstalled: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Renders the stdin of a fence agent. Values with newlines are refused by the caller. */
export function fenceAgentStdin(args: Readonly<Record<string, string>>): string {
  return Object.entries(args).map(([k, v]) => `${k}=${v}\n`).join('');
}

/** Runs a fence agent program once. */
export async function runFenceAgent(file: string, args: Readonly<Record<string, string>>, timeoutMs: number,
  clock: Clock, killGraceMs?: number): Promise<FenceAgentRun> {
  try {
    await access(file, constants.X_OK);
  } catch {
    return { exitCode: undefined, timedOut: false, notInstalled: true, stdout: '', stderr: `${file} is not installed`, durationMs: 0 };
  }
  const o = await runProgram({
    file, args: [], env: { PATH: AGENT_PATH, LANG: 'C' }, stdin: fenceAgentStdin(args), timeoutMs,
    ...(killGraceMs !== undefined ? { killGraceMs } : {}),
  }, clock);
  return {
    exitCode: o.exitCode, timedOut: o.timedOut, notInstalled: o.spawnError === 'ENOENT',
    stdout: o.stdout, stderr: o.stderr, durationMs: o.durationMs,
  };
}

const metadataCache = new Map<string, Promise<AgentMetadata | undefined>>();

/** The agent's `metadata` (cached per program path; undefined if it has none). */
export function fenceAgentMetadata(file: string, clock: Clock): Promise<AgentMetadata | undefined> {
  let p = metadataCache.get(file);
  if (!p) {
    p = runFenceAgent(file, { action: 'metadata' }, 10_000, clock).then(r => {
      if (r.exitCode !== 0) return undefined;
      const parsed = parseAgentMetadata(r.stdout);
      return parsed.ok ? parsed.val : undefined;
    });
    metadataCache.set(file, p);
  }
  return p;
}

/** Parses `list` output: one `plug[,alias]` per line. */
export function parseListOutput(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    for (const part of t.split(',')) {
      const name = part.trim();
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}
