/**
 * Admin commands through the local node's control socket:
 * `quorate standby NODE on|off`, `quorate move RSC NODE`,
 * `quorate clear RSC`, `quorate cleanup RSC` (as `crm_node`/`crm_resource`
 * ask the local daemons, which forward to the DC).
 * @module
 */
import { parseArgs } from 'node:util';
import { controlRequest } from '../control/client.js';
import type { ControlRequest } from '../control/protocol.js';
import { resolveControlPath } from './controlPath.js';
import type { CliIo } from './io.js';

/** The admin commands. */
export const ADMIN_COMMANDS = ['standby', 'move', 'clear', 'cleanup'] as const;
/** One of {@link ADMIN_COMMANDS}. */
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

const USAGE: Readonly<Record<AdminCommand, string>> = {
  standby: 'usage: quorate standby NODE on|off [--control PATH]',
  move: 'usage: quorate move RESOURCE NODE [--control PATH]',
  clear: 'usage: quorate clear RESOURCE [--control PATH]',
  cleanup: 'usage: quorate cleanup RESOURCE [--control PATH]',
};

/** Builds the request from positional arguments, or says what is wrong. */
export function adminRequest(cmd: AdminCommand, args: readonly string[]): ControlRequest | string {
  switch (cmd) {
    case 'standby':
      if (args.length !== 2 || (args[1] !== 'on' && args[1] !== 'off')) return USAGE.standby;
      return { cmd, node: args[0]!, on: args[1] === 'on' };
    case 'move':
      if (args.length !== 2) return USAGE.move;
      return { cmd, rsc: args[0]!, node: args[1]! };
    case 'clear': case 'cleanup':
      if (args.length !== 1) return USAGE[cmd];
      return { cmd, rsc: args[0]! };
  }
}

/** Runs an admin command; returns the exit code (0 done, 1 refused or no node, 2 usage). */
export async function runAdmin(cmd: AdminCommand, argv: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { control: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true, allowPositionals: true,
    }));
  } catch (e) {
    io.err.write(`quorate ${cmd}: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  if (values['help']) { io.out.write(USAGE[cmd] + '\n'); return 0; }
  const req = adminRequest(cmd, positionals);
  if (typeof req === 'string') { io.err.write(`quorate ${cmd}: ${req}\n`); return 2; }
  const timeoutMs = values['timeout'] !== undefined ? Number(values['timeout']) * 1000 : 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) { io.err.write(`quorate ${cmd}: --timeout must be a positive number of seconds\n`); return 2; }
  const r = await controlRequest(resolveControlPath(values['control'] as string | undefined), req, timeoutMs);
  if (r.err) { io.err.write(`quorate ${cmd}: ${r.val.message}\n`); return 1; }
  io.out.write(`quorate ${cmd}: done\n`);
  return 0;
}
