/** Shared fixtures for agent tests: temp dirs and custom OCF roots. */
import { mkdtemp, mkdir, writeFile, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temp directory. */
export function tempDir(prefix = 'quorate-agents-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/**
 * An OCF root in a temp dir whose lib/ points at the system's shell functions,
 * with the given custom agents installed under resource.d/test/.
 */
export async function customOcfRoot(agents: Record<string, string>): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await tempDir('quorate-ocf-');
  await mkdir(path.join(root, 'resource.d', 'test'), { recursive: true });
  await symlink('/usr/lib/ocf/lib', path.join(root, 'lib'));
  for (const [name, body] of Object.entries(agents)) {
    await writeFile(path.join(root, 'resource.d', 'test', name), body, { mode: 0o755 });
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) until `pred` holds; returns whether it did. */
export async function waitFor(pred: () => boolean, timeoutMs = 5000, stepMs = 25): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += stepMs) {
    if (pred()) return true;
    await new Promise(r => setTimeout(r, stepMs));
  }
  return pred();
}
