/**
 * `quorate status [--control PATH] [--json]`: the cluster as the local node
 * sees it — crm_mon's one-shot text (the runtime's formatter), or JSON for
 * scripts.
 * @module
 */
import { parseArgs } from 'node:util';
import { controlRequest } from '../control/client.js';
import { resolveControlPath } from './controlPath.js';
import type { CliIo } from './io.js';

const USAGE = 'usage: quorate status [--control PATH] [--json]';

/** The parts of a node's status answer this command reads. */
interface StatusAnswer {
  readonly text: string;
  readonly localNode: string;
  readonly transport: string;
  readonly synced: boolean;
  readonly view: { readonly ringId: string; readonly members: readonly string[] } | null;
  readonly quorumInfo: { readonly provider: string; readonly quorate: boolean; readonly quorum: number; readonly expectedVotes?: number; readonly totalVotes?: number };
  /** The transport's counters (absent from older nodes). */
  readonly transportStats?: { readonly dropped: Readonly<Record<string, number>> };
}

/** Runs `quorate status`; returns the exit code (0 ok, 2 usage, 1 no node). */
export async function runStatus(argv: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { control: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true, allowPositionals: false,
    }));
  } catch (e) {
    io.err.write(`quorate status: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  if (values['help']) { io.out.write(USAGE + '\n'); return 0; }
  const path = resolveControlPath(values['control'] as string | undefined);
  const r = await controlRequest(path, { cmd: 'status' }, 10_000);
  if (r.err) { io.err.write(`quorate status: ${r.val.message}\n`); return 1; }
  if (values['json']) { io.out.write(JSON.stringify(r.val, null, 2) + '\n'); return 0; }
  io.out.write(formatStatusAnswer(r.val as StatusAnswer));
  return 0;
}

/** crm_mon-like text with the local node's membership line on top. */
export function formatStatusAnswer(s: StatusAnswer): string {
  const q = s.quorumInfo;
  const votes = q.totalVotes !== undefined ? ` (votes ${q.totalVotes}/${q.expectedVotes}, need ${q.quorum})` : ` (need ${q.quorum})`;
  const head = [
    `Local node: ${s.localNode} (${s.transport}${s.synced ? '' : ', not synced yet'})`,
    `Membership: ${s.view ? `ring ${s.view.ringId}: ${s.view.members.join(' ')}` : 'none yet'}`,
    `Quorum: ${q.quorate ? 'yes' : 'NO'} via ${q.provider}${votes}`,
  ];
  // Refused frames are worth an operator's eye (a wrong key, an attacker): only shown when there are any.
  const dropped = Object.entries(s.transportStats?.dropped ?? {}).filter(([, n]) => n > 0);
  if (dropped.length > 0) head.push(`Dropped frames: ${dropped.map(([why, n]) => `${why} ${n}`).join(', ')}`);
  head.push('');
  return head.join('\n') + s.text;
}
