/**
 * A node's own operation history (Pacemaker's controller keeps it per node and
 * hands it to the DC on every join). Results from the local executor become
 * `lrm_rsc_op` entries named as Pacemaker names them: `<rsc>_last_0` (last
 * one-shot op), `<rsc>_last_failure_0`, and `<rsc>_<op>_<interval>` for
 * recurring monitors.
 * @module
 */
import { digestParams, paramsDigest } from '../policy/digests.js';
import type { LrmResource, LrmRscOp } from '../cib/types.js';
import type { OpRecord } from '../agents/executor.js';
import { OpStatus } from '../agents/codes.js';
import { formatTransitionMagic } from '../transition/keys.js';
import type { LrmAgentRef } from './cibOps.js';

/** Feature set written on ops (Pacemaker 2.1.5's). */
export const CRM_FEATURE_SET = '3.16.2';

/**
 * op-digest of an operation: the policy engine's own digest (md5 of the
 * sorted `<parameters …/>`, CRM_meta_* left out, the timeout added for
 * recurring ops), so a changed definition is told from the history and an
 * unchanged one is not restarted.
 */
export function opDigest(params: Readonly<Record<string, string>>, intervalMs = 0, timeoutMs = 20_000): string {
  return paramsDigest(digestParams(params, {}, intervalMs, timeoutMs));
}

/** Was this result a failure, given what was expected? Probes finding the resource active are not failures. */
export function isFailure(rec: OpRecord, targetRc: number): boolean {
  if (rec.status === OpStatus.CANCELLED) return false;
  if (rec.status !== OpStatus.DONE) return true;
  if (rec.rc === targetRc) return false;
  const probe = rec.action === 'monitor' && rec.intervalMs === 0;
  if (probe && (rec.rc === 0 || rec.rc === 7 || rec.rc === 8)) return false;
  return true;
}

/** What a node tells the DC about one finished operation. */
export interface LrmUpdate {
  readonly rsc: LrmAgentRef;
  /** The entries to write (last_0 and, on failure, last_failure_0; or the recurring entry). */
  readonly records: readonly LrmRscOp[];
  /** Entries to delete (recurring monitors after a stop or cancel). */
  readonly remove: readonly string[];
  readonly failed: boolean;
}

/** Per-node history. */
export class LrmHistory {
  private readonly byRsc = new Map<string, { ref: LrmAgentRef; ops: Map<string, LrmRscOp> }>();

  constructor(private readonly node: string) {}

  /** Records a result; returns the update to send to the DC. */
  record(ref: LrmAgentRef, rec: OpRecord, opts: { transitionKey: string; targetRc: number; params: Readonly<Record<string, string>>; timeoutMs?: number }): LrmUpdate {
    const failed = isFailure(rec, opts.targetRc);
    const entry = this.byRsc.get(ref.id) ?? { ref, ops: new Map<string, LrmRscOp>() };
    this.byRsc.set(ref.id, { ref, ops: entry.ops });
    const base: Omit<LrmRscOp, 'id'> = {
      operation: rec.action,
      operationKey: rec.operationKey,
      interval: rec.intervalMs,
      rcCode: rec.rc,
      opStatus: rec.status,
      callId: rec.callId,
      lastRcChange: Math.floor(rec.lastRcChangeAt / 1000),
      lastRun: Math.floor(rec.lastRunAt / 1000),
      execTime: rec.execTimeMs,
      queueTime: rec.queueTimeMs,
      transitionKey: opts.transitionKey,
      transitionMagic: formatTransitionMagic(rec.status, rec.rc, opts.transitionKey),
      opDigest: opDigest(opts.params, rec.intervalMs, opts.timeoutMs),
      onNode: this.node,
      crmFeatureSet: CRM_FEATURE_SET,
      ...(failed && rec.output ? { exitReason: rec.output.split('\n').filter(Boolean).pop()!.slice(0, 200) } : {}),
    };
    const records: LrmRscOp[] = [];
    const remove: string[] = [];
    if (rec.status === OpStatus.CANCELLED) {
      remove.push(`${ref.id}_${rec.action}_${rec.intervalMs}`);
    } else if (rec.intervalMs > 0) {
      records.push({ ...base, id: `${ref.id}_${rec.action}_${rec.intervalMs}` });
    } else {
      records.push({ ...base, id: `${ref.id}_last_0` });
      if (rec.action === 'stop' && !failed) {
        // Recurring monitors do not survive a stop or a failed one-shot op.
        for (const id of entry.ops.keys()) if (/_\d+$/.test(id) && !id.endsWith('_0')) remove.push(id);
      }
    }
    if (failed) records.push({ ...base, id: `${ref.id}_last_failure_0` });
    for (const id of remove) entry.ops.delete(id);
    for (const r of records) entry.ops.set(r.id, r);
    return { rsc: ref, records, remove, failed };
  }

  /** Forgets a resource's history here (cleanup). */
  erase(rscId?: string): void {
    if (rscId === undefined) this.byRsc.clear();
    else this.byRsc.delete(rscId);
  }

  /** The whole history as lrm_resource entries. */
  snapshot(): LrmResource[] {
    return [...this.byRsc.values()].map(({ ref, ops }) => ({
      id: ref.id, class: ref.class, type: ref.type, ...(ref.provider !== undefined ? { provider: ref.provider } : {}),
      ops: [...ops.values()].sort((a, b) => a.callId - b.callId),
    }));
  }
}
