/**
 * Adapter: a node's CIB on disk (Pacemaker keeps /var/lib/pacemaker/cib/cib.xml),
 * so a node restarted after the whole cluster went down still offers the
 * newest configuration it saw. `<dir>/cib.xml` holds the CIB as Pacemaker XML;
 * `<dir>/cib.quorate.json` the version of its last update made with quorum.
 * Writes are atomic (temp file + rename) and coalesced: at most one per
 * `delayMs`, plus a final one on `flush`.
 * @module
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import { parseCib } from '../cib/parse.js';
import { serialiseCib } from '../cib/serialise.js';
import type { CibVersion } from '../cib/types.js';
import type { CibStorage, StoredCib } from '../cluster/storage.js';

const log = logger('cli:cib-file');

/** A stored CIB that cannot be read. */
export interface CibFileError {
  readonly code: 'QUORATE_ERR_BAD_CIB';
  readonly message: string;
}

/** CIB storage in a directory. */
export class FileCibStorage implements CibStorage {
  private latest: StoredCib | undefined;
  private timer: NodeJS.Timeout | undefined;
  private written: StoredCib | undefined;

  private constructor(readonly dir: string, private readonly delayMs: number, stored: StoredCib | undefined) {
    this.latest = stored;
    this.written = stored;
  }

  /**
   * Opens (creating) `dir` and reads what a previous run saved. A damaged
   * file is an error rather than silently starting from scratch.
   */
  static open(dir: string, delayMs = 200): Result<FileCibStorage, CibFileError> {
    const xmlPath = path.join(dir, 'cib.xml');
    const metaPath = path.join(dir, 'cib.quorate.json');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `cannot create state directory ${dir}: ${(e as Error).message}` });
    }
    if (!existsSync(xmlPath)) return Ok(new FileCibStorage(dir, delayMs, undefined));
    let xml: string;
    try {
      xml = readFileSync(xmlPath, 'utf8');
    } catch (e) {
      return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `cannot read ${xmlPath}: ${(e as Error).message}` });
    }
    const cib = parseCib(xml);
    if (cib.err) return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `${xmlPath}: ${cib.val.message}` });
    let quorateVersion: CibVersion = { adminEpoch: 0, epoch: 0, numUpdates: 0 };
    if (existsSync(metaPath)) {
      try {
        const m = JSON.parse(readFileSync(metaPath, 'utf8')) as { quorateVersion?: CibVersion };
        const v = m.quorateVersion;
        if (v && [v.adminEpoch, v.epoch, v.numUpdates].every(n => Number.isSafeInteger(n) && n >= 0)) quorateVersion = v;
        else return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `${metaPath}: quorateVersion is missing or not three non-negative integers` });
      } catch (e) {
        return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `${metaPath}: ${(e as Error).message}` });
      }
    }
    return Ok(new FileCibStorage(dir, delayMs, { cib: cib.val, quorateVersion }));
  }

  load(): StoredCib | undefined {
    return this.latest;
  }

  save(stored: StoredCib): void {
    this.latest = stored;
    this.timer ??= setTimeout(() => { this.timer = undefined; this.write(); }, this.delayMs);
  }

  /** Writes what is pending now (call before the process exits). */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.write();
  }

  private write(): void {
    const s = this.latest;
    if (!s || s === this.written) return;
    try {
      atomicWrite(path.join(this.dir, 'cib.xml'), serialiseCib(s.cib));
      atomicWrite(path.join(this.dir, 'cib.quorate.json'), JSON.stringify({ quorateVersion: s.quorateVersion }) + '\n');
      this.written = s;
    } catch (e) {
      // The replica stays in memory; a later save retries.
      log('cannot save the CIB in %s: %s', this.dir, (e as Error).message);
    }
  }
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}
