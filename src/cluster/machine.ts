/**
 * Simulated machines for in-process clusters: each node gets its own run
 * directory (HA_RSCTMP / HA_VARRUN for OCF agents), so agents that keep state
 * files or pid files see one machine each. Powering a machine off kills the
 * processes named in its pid files and clears the directory, as a reboot
 * clears /run.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Per-node run directories under `baseDir`. */
export class MachineDirs {
  constructor(readonly baseDir: string) {}

  /** The node's run directory (created if missing). */
  dir(node: string): string {
    const d = path.join(this.baseDir, node.replace(/[^A-Za-z0-9_.-]/g, '_'));
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** OCF environment giving the node its own state and pid directory. */
  env(node: string): Record<string, string> {
    const d = this.dir(node);
    return { HA_RSCTMP: d, HA_VARRUN: d };
  }

  /** Power off: kill processes from the node's pid files and clear its directory. */
  powerOff(node: string): void {
    const d = this.dir(node);
    for (const f of readdirSync(d)) {
      if (!f.endsWith('.pid')) continue;
      try {
        const pid = Number.parseInt(readFileSync(path.join(d, f), 'utf8').trim(), 10);
        if (Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: nothing to kill.
      }
    }
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
}
