/**
 * Where the reference material lives: `../shared` beside the repository (as CI lays
 * it out), or the folder named by QUORATE_CASES.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root (this file is compiled to dist/scripts/paths.js). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Pacemaker 2.1.5's scheduler regression cases. */
export const CASES_DIR = process.env['QUORATE_CASES'] ?? resolve(REPO_ROOT, '..', 'shared', 'pacemaker-scheduler');
