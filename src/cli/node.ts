/**
 * `quorate node`: runs one cluster member as a process (what corosync +
 * pacemakerd are on a real machine). The transport and quorum come from
 * corosync.conf, the initial configuration from a CIB file; a local control
 * socket serves `quorate status` and the admin commands. SIGTERM or SIGINT
 * shuts it down cleanly (the DC moves its resources away first, so it is not
 * fenced); a second signal stops it at once.
 *
 * The CIB file is this node's offer when it joins: a cluster that already
 * runs has a newer (quorate) CIB, and that one wins the join sync.
 * @module
 */
import { parseArgs } from 'node:util';
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { SystemClock } from '../util/clock.js';
import { Cluster } from '../cluster/Cluster.js';
import type { Node } from '../cluster/Node.js';
import type { CibStorage, StoredCib } from '../cluster/storage.js';
import { CLUSTER_EVENT_NAMES } from '../cluster/events.js';
import { QuorumTracker } from '../quorum/QuorumTracker.js';
import { totemTcp } from '../messaging/totem/tcp.js';
import { udpHeartbeat } from '../messaging/udp/heartbeat.js';
import type { Transport } from '../messaging/transport.js';
import type { SocketTransportStats } from '../messaging/socket/stats.js';
import { ringIdString } from '../messaging/transport.js';
import { ControlServer } from '../control/server.js';
import { defaultControlPath, type ControlRequest, type ControlResponse } from '../control/protocol.js';
import { loadNodeSetup, type NodeSetup } from './nodeSetup.js';
import { FileCibStorage } from './cibFile.js';
import type { CliIo } from './io.js';

/** Exit code when this node learns it was fenced (as pacemaker-controld's CRM_EX_FATAL). */
export const EXIT_FENCED = 100;

const USAGE = 'usage: quorate node --config corosync.conf [--cib cib.xml] [--name NAME] [--key authkey] [--control PATH] [--run-dir DIR] [--ocf-root DIR] [--fence-agent-dir DIR] [--shutdown-timeout SECONDS] [--state-dir DIR]';

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /**
   * Exit the process 2 s after the node stopped if agent processes or
   * sockets still keep it alive (default true: this is the `quorate node`
   * process). Pass false when calling from a process that lives on.
   */
  readonly forceExit?: boolean;
}

/** Runs `quorate node`; resolves with the exit code once the node stopped. */
export async function runNode(argv: readonly string[], io: CliIo, runOpts: RunNodeOptions = {}): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        cib: { type: 'string', short: 'x' },
        name: { type: 'string', short: 'n' },
        key: { type: 'string', short: 'k' },
        control: { type: 'string' },
        'run-dir': { type: 'string' },
        'ocf-root': { type: 'string' },
        'fence-agent-dir': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err.write(`quorate node: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  if (values['help']) { io.out.write(USAGE + '\n'); return 0; }
  const configPath = values['config'] as string | undefined;
  if (configPath === undefined) { io.err.write(`quorate node: --config is required (${USAGE})\n`); return 2; }
  const name = (values['name'] as string | undefined) ?? hostname();
  const setup = await loadNodeSetup({
    configPath, name,
    ...(values['key'] !== undefined ? { keyPath: values['key'] as string } : {}),
    ...(values['cib'] !== undefined ? { cibPath: values['cib'] as string } : {}),
  });
  if (setup.err) { io.err.write(`quorate node: ${setup.val.message}\n`); return 2; }
  const shutdownTimeoutMs = values['shutdown-timeout'] !== undefined ? Number(values['shutdown-timeout']) * 1000 : 120_000;
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs <= 0) { io.err.write('quorate node: --shutdown-timeout must be a positive number of seconds\n'); return 2; }
  const runDir = values['run-dir'] as string | undefined;
  if (runDir !== undefined) mkdirSync(runDir, { recursive: true });
  return runMember(setup.val, name, {
    controlPath: (values['control'] as string | undefined) ?? defaultControlPath(name),
    shutdownTimeoutMs,
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] as string } : {}),
    ...(runDir !== undefined ? { ocfEnv: { HA_RSCTMP: runDir, HA_VARRUN: runDir } } : {}),
    ...(values['ocf-root'] !== undefined ? { ocfRoot: values['ocf-root'] as string } : {}),
    ...(values['fence-agent-dir'] !== undefined ? { fenceAgentDir: values['fence-agent-dir'] as string } : {}),
  }, io, runOpts.forceExit ?? true);
}

interface MemberOptions {
  readonly controlPath: string;
  /** How long a clean shutdown waits for the DC to move resources away. */
  readonly shutdownTimeoutMs: number;
  /** Where the CIB is kept across restarts (else only in memory). */
  readonly stateDir?: string;
  readonly ocfEnv?: Readonly<Record<string, string>>;
  readonly ocfRoot?: string;
  readonly fenceAgentDir?: string;
}

const NO_QUORATE_HISTORY = { adminEpoch: 0, epoch: 0, numUpdates: 0 };

/** The CIB this node offers at its first join; then the replica, kept in memory. */
function memoryStorage(cib: NodeSetup['cib']): CibStorage {
  let stored: StoredCib = { cib, quorateVersion: NO_QUORATE_HISTORY };
  return { load: () => stored, save: s => { stored = s; } };
}

/**
 * With a state directory: the CIB saved by an earlier run if there is one
 * (it beats the file, which never had quorate history), else the file's.
 */
function stateStorage(dir: string, cib: NodeSetup['cib']): { storage?: FileCibStorage; origin?: string; error?: string } {
  const s = FileCibStorage.open(dir);
  if (s.err) return { error: s.val.message };
  const prev = s.val.load();
  if (prev) return { storage: s.val, origin: `${dir}/cib.xml (epoch ${prev.cib.version.epoch})` };
  s.val.save({ cib, quorateVersion: NO_QUORATE_HISTORY });
  return { storage: s.val, origin: 'the CIB file' };
}

function buildTransport(setup: NodeSetup): { transport?: Transport; stats?: SocketTransportStats; error?: string } {
  const r = setup.plan.kind === 'totem-tcp'
    ? totemTcp({ ...setup.plan.options, key: setup.key })
    : udpHeartbeat({ ...setup.plan.options, key: setup.key });
  return r.ok ? { transport: r.val, stats: r.val.stats } : { error: r.val.message };
}

async function runMember(setup: NodeSetup, name: string, opts: MemberOptions, io: CliIo, forceExit: boolean): Promise<number> {
  const clock = new SystemClock();
  const say = (line: string): void => { io.out.write(`${Date.now()} ${line}\n`); };
  let tracker: QuorumTracker | undefined;
  if (setup.quorum) {
    const t = QuorumTracker.create(setup.quorum, clock);
    if (t.err) { io.err.write(`quorate node: quorum section: ${t.val.message}\n`); return 2; }
    tracker = t.val;
  }
  let storage: CibStorage = memoryStorage(setup.cib);
  let fileStorage: FileCibStorage | undefined;
  let cibOrigin = 'the CIB file';
  if (opts.stateDir !== undefined) {
    const st = stateStorage(opts.stateDir, setup.cib);
    if (!st.storage) { io.err.write(`quorate node: ${st.error}\n`); return 2; }
    storage = fileStorage = st.storage;
    cibOrigin = st.origin!;
  }
  const built = buildTransport(setup);
  if (!built.transport) { io.err.write(`quorate node: ${built.error}\n`); return 2; }
  const transport = built.transport;
  const stats = built.stats!;
  transport.on('view', v => say(`view ${ringIdString(v.ringId)} ${v.members.join(',')}`));
  transport.on('error', e => say(`transport-error ${JSON.stringify(e.message)}`));

  let finish!: (code: number) => void;
  const finished = new Promise<number>(r => { finish = r; });
  let node: Node;
  try {
    node = await Cluster.join({
      name: setup.config.clusterName, transport, clock,
      nodes: setup.config.nodes.map(n => n.name),
      storage,
      ...(tracker ? { quorum: tracker } : {}),
      ...(opts.ocfEnv ? { ocfEnv: opts.ocfEnv } : {}),
      ...(opts.ocfRoot !== undefined ? { ocfRoot: opts.ocfRoot } : {}),
      ...(opts.fenceAgentDir !== undefined ? { fenceAgentDir: opts.fenceAgentDir } : {}),
      onFenced: action => { say(`fenced ${action}`); finish(EXIT_FENCED); },
    });
  } catch (e) {
    io.err.write(`quorate node: cannot start the ${setup.plan.kind} transport: ${(e as Error).message}\n`);
    return 2;
  }
  for (const ev of CLUSTER_EVENT_NAMES) node.on(ev, ((e: unknown) => say(`${ev} ${JSON.stringify(e)}`)) as never);

  const server = await ControlServer.listen(opts.controlPath, req => handle(node, setup, tracker, stats, req));
  if (server.err) {
    io.err.write(`quorate node: ${server.val.message}\n`);
    await node.stop();
    return 2;
  }
  say(`started ${name} cluster=${setup.config.clusterName} transport=${setup.plan.kind} key=${setup.keySource} control=${opts.controlPath} cib-from=${JSON.stringify(cibOrigin)}`);
  let stopping = false;
  const onSignal = (sig: string): void => {
    // First signal: a clean shutdown (resources move away first); a second one: leave at once.
    if (stopping) { say(`signal ${sig}: stopping now`); finish(0); return; }
    stopping = true;
    say(`signal ${sig}: shutting down (resources move away first)`);
    void node.shutdown({ timeoutMs: opts.shutdownTimeoutMs }).then(r => {
      if (r.err) say(`shutdown ${JSON.stringify(r.val.message)}`);
      finish(0);
    });
  };
  const onTerm = (): void => onSignal('SIGTERM');
  const onInt = (): void => onSignal('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const code = await finished;
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  await server.val.close();
  await node.stop();
  fileStorage?.flush();
  tracker?.dispose();
  say('stopped');
  // Agent processes or sockets still closing must not keep a stopped node alive.
  if (forceExit) setTimeout(() => process.exit(code), 2000).unref();
  return code;
}

/** What `status` returns: the cluster snapshot plus this node's membership and quorum details. */
function statusOf(node: Node, setup: NodeSetup, tracker: QuorumTracker | undefined, stats: SocketTransportStats): unknown {
  const st = node.status(setup.config.clusterName);
  const v = node.view;
  return {
    ...st,
    localNode: node.name,
    synced: node.synced,
    transport: setup.plan.kind,
    // Frames in and out, and those dropped by reason (forged, replayed, truncated, …): corosync-cfgtool -s's counters.
    transportStats: { ...stats, dropped: { ...stats.dropped } },
    view: v ? { ringId: ringIdString(v.ringId), members: v.members } : null,
    quorumInfo: tracker
      ? { provider: 'corosync_votequorum', ...tracker.status }
      : { provider: 'simple-majority', quorate: node.hasQuorum, quorum: node.quorumNeeded(), members: v?.members ?? [] },
  };
}

async function handle(node: Node, setup: NodeSetup, tracker: QuorumTracker | undefined, stats: SocketTransportStats, req: ControlRequest): Promise<ControlResponse> {
  const done = (r: { ok: boolean; val: unknown }): ControlResponse => r.ok
    ? { ok: true, result: null }
    : { ok: false, error: r.val as { code: string; message: string } };
  switch (req.cmd) {
    case 'status': return { ok: true, result: statusOf(node, setup, tracker, stats) };
    case 'cib': return { ok: true, result: node.cibXml() };
    case 'standby': return done(await node.standby(req.node, req.on));
    case 'move': return done(await node.move(req.rsc, req.node));
    case 'clear': return done(await node.clear(req.rsc));
    case 'cleanup': return done(await node.cleanup(req.rsc));
  }
}
