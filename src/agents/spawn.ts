/**
 * Runs an agent program without a shell, with a deadline: on timeout the whole
 * process group gets SIGTERM, then SIGKILL after a grace period, so agents that
 * fork helpers (most shell agents do) leave nothing behind.
 * @module
 */
import { spawn } from 'node:child_process';
import type { Clock } from '../util/clock.js';
import { logger } from '../util/log.js';

const log = logger('agents:spawn');

/** What to run. */
export interface SpawnRequest {
  /** Absolute path of the program. */
  readonly file: string;
  /** Arguments after the program name. */
  readonly args: readonly string[];
  /** The complete environment of the child. */
  readonly env: Readonly<Record<string, string>>;
  /** Written to the child's stdin, which is then closed. */
  readonly stdin?: string;
  /** Deadline; the clock measures it. */
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL of the process group (default 2000 ms). */
  readonly killGraceMs?: number;
  /** Working directory (default `/`, so agents never depend on ours). */
  readonly cwd?: string;
}

/** How the child ended. */
export interface SpawnOutcome {
  /** Exit code, or undefined if it was killed by a signal or never started. */
  readonly exitCode: number | undefined;
  /** Terminating signal, if any. */
  readonly signal: string | undefined;
  /** True when the deadline passed and the group was killed. */
  readonly timedOut: boolean;
  /** The spawn error code (ENOENT, EACCES, …) if the program could not start. */
  readonly spawnError: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

// Keep memory bounded if an agent is chatty.
const MAX_OUTPUT = 256 * 1024;

/** Runs a program to completion or deadline. Never rejects. */
export function runProgram(req: SpawnRequest, clock: Clock): Promise<SpawnOutcome> {
  const started = clock.now();
  return new Promise(resolve => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (exitCode: number | undefined, signal: string | undefined, spawnError: string | undefined): void => {
      if (settled) return;
      settled = true;
      deadline.cancel();
      if (killTimer) clearTimeout(killTimer);
      resolve({ exitCode, signal, timedOut, spawnError, stdout, stderr, durationMs: clock.now() - started });
    };
    let child;
    try {
      child = spawn(req.file, [...req.args], {
        env: { ...req.env },
        cwd: req.cwd ?? '/',
        // Own process group, so a timeout can kill every descendant.
        detached: true,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      resolve({ exitCode: undefined, signal: undefined, timedOut: false, spawnError: code, stdout: '', stderr: String(e), durationMs: 0 });
      return;
    }
    const pid = child.pid;
    const killGroup = (sig: NodeJS.Signals): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const deadline = clock.setTimeout(() => {
      if (settled) return;
      timedOut = true;
      log('%s timed out after %d ms, killing group %d', req.file, req.timeoutMs, pid);
      killGroup('SIGTERM');
      // Real time: this is about a real process dying, not cluster time.
      killTimer = setTimeout(() => killGroup('SIGKILL'), req.killGraceMs ?? 2000);
    }, req.timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { if (stdout.length < MAX_OUTPUT) stdout += d; });
    child.stderr.on('data', (d: string) => { if (stderr.length < MAX_OUTPUT) stderr += d; });
    child.stdin.on('error', () => { /* child exited before reading stdin */ });
    child.stdin.end(req.stdin ?? '');
    child.on('error', (e: NodeJS.ErrnoException) => finish(undefined, undefined, e.code ?? e.message));
    // 'close' waits for the pipes; a daemon the agent started may hold them open,
    // so after 'exit' we wait only briefly for the remaining output.
    let exited: { code: number | undefined; signal: string | undefined } | undefined;
    child.on('exit', (code, signal) => {
      exited = { code: code ?? undefined, signal: signal ?? undefined };
      if (timedOut) killGroup('SIGKILL');
      const drain = setTimeout(() => finish(exited!.code, exited!.signal, undefined), 300);
      drain.unref();
    });
    child.on('close', (code, signal) => {
      finish(exited?.code ?? code ?? undefined, exited?.signal ?? signal ?? undefined, undefined);
    });
  });
}
