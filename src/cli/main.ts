/**
 * The `quorate` command line. `quorate simulate` takes crm_simulate's flags.
 * Errors are one line on stderr and exit code 2; never a stack trace.
 * @module
 */
import { parseArgs } from 'node:util';
import { ADMIN_COMMANDS, runAdmin, type AdminCommand } from './admin.js';

const HELP = `Usage: quorate <command> [options]

Commands:
  simulate   Simulate the cluster's response to a CIB (crm_simulate-compatible)
  node       Run one cluster node: --config corosync.conf [--cib cib.xml] [--name NAME]
             [--key authkey] [--control PATH] [--run-dir DIR] [--state-dir DIR]
  status     Show the cluster as the local node sees it (crm_mon-like; --json)
  standby    NODE on|off   Put a node in or out of standby
  move       RSC NODE      Move a resource to a node (cli-prefer constraint)
  clear      RSC           Remove move/ban constraints of a resource
  cleanup    RSC           Forget a resource's failures and history
  help       Show this help

status and admin commands talk to the local node's control socket:
  --control PATH (default: $QUORATE_CONTROL, else /tmp/quorate-<hostname>.sock)

simulate options:
  -x, --xml-file FILE     CIB to read
  -S, --simulate          Simulate the transition's execution and show the result
  -s, --show-scores       Show allocation scores
  -G, --save-graph FILE   Save the transition graph (XML) to FILE
  -D, --save-dotfile FILE Save the transition graph (Graphviz dot) to FILE
  -Q, --quiet             Do not print the current cluster status
  -t, --set-datetime DT   Set "now" (ISO 8601)
  -O, --save-output FILE  Save the resulting CIB (after the simulated transition with -S) to FILE
`;

/** Runs the CLI with argv (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out.write(HELP);
    return cmd === undefined ? 2 : 0;
  }
  // Each subcommand's modules load only when it runs: `node` alone pulls in the whole
  // cluster stack, which `simulate` (run once per CIB by scripts) should not pay for.
  if (cmd === 'node') return (await import('./node.js')).runNode(rest, io);
  if (cmd === 'status') return (await import('./status.js')).runStatus(rest, io);
  if ((ADMIN_COMMANDS as readonly string[]).includes(cmd)) return runAdmin(cmd as AdminCommand, rest, io);
  if (cmd !== 'simulate') {
    io.err.write(`quorate: unknown command '${cmd}' (try 'quorate --help')\n`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        'xml-file': { type: 'string', short: 'x' },
        simulate: { type: 'boolean', short: 'S' },
        'show-scores': { type: 'boolean', short: 's' },
        'save-graph': { type: 'string', short: 'G' },
        'save-dotfile': { type: 'string', short: 'D' },
        quiet: { type: 'boolean', short: 'Q' },
        'set-datetime': { type: 'string', short: 't' },
        'save-output': { type: 'string', short: 'O' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err.write(`quorate simulate: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  if (values['help']) { io.out.write(HELP); return 0; }
  try {
    const [{ loadPolicy }, { runSimulate }] = await Promise.all([import('./policySeam.js'), import('./simulate.js')]);
    const policy = await loadPolicy();
    const r = runSimulate({
      xmlFile: values['xml-file'] as string | undefined,
      simulate: values['simulate'] === true,
      showScores: values['show-scores'] === true,
      quiet: values['quiet'] === true,
      graphFile: values['save-graph'] as string | undefined,
      dotFile: values['save-dotfile'] as string | undefined,
      outputFile: values['save-output'] as string | undefined,
      dateTime: values['set-datetime'] as string | undefined,
    }, policy, Math.floor(Date.now() / 1000));
    if (!r.ok) { io.err.write(`quorate simulate: ${r.error.message}\n`); return r.error.exitCode; }
    if (r.stderr !== '') io.err.write(r.stderr);
    io.out.write(r.stdout.endsWith('\n') ? r.stdout : r.stdout + '\n');
    return 0;
  } catch (e) {
    // A bug, not bad input: still one line, no stack trace.
    io.err.write(`quorate simulate: internal error: ${(e as Error).message}\n`);
    return 70;
  }
}
