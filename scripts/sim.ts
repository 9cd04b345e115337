/**
 * Deterministic cluster simulation (after TigerBeetle's VOPR): N nodes of the
 * real runtime on the memory network under virtual time, simulated services
 * as function agents, and a fault schedule drawn from one seed.
 *
 *   npm run sim -- --seeds 200 --nodes 3     many seeds
 *   npm run sim -- --seed 1234               replay one
 *
 * Safety phase: crash / restart / partition / heal / message loss / service
 * kills, with the invariants checked after every 10 ms of virtual time (a
 * primitive is never active on two machines, a promotable never promoted
 * twice). Liveness phase: heal everything and settle. Then the cluster must
 * have converged: `schedule` on the final CIB asks for nothing and the
 * services run where the CIB says.
 *
 * Exit codes: 0 ok, 3 crash (an exception), 4 liveness, 5 correctness.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Cluster } from '../src/cluster/Cluster.js';
import { memoryNetwork, type MemoryNetwork } from '../src/messaging/memory.js';
import { SimulatedServices } from '../src/cluster/simServices.js';
import { Resource } from '../src/api/resource.js';
import { Constraint } from '../src/api/constraint.js';
import { StonithDevice } from '../src/fencing/device.js';
import { SeededRng, type Rng } from '../src/util/rng.js';
import { schedule } from '../src/policy/index.js';

/** Exit codes. */
export const EXIT = { ok: 0, crash: 3, liveness: 4, correctness: 5 } as const;

/** Parameters of one run. */
export interface SimOptions {
  readonly nodes: number;
  /** Fault steps in the safety phase. */
  readonly steps: number;
  readonly verbose?: boolean;
  /**
   * Runs without fencing and ignoring quorum: split brain is then expected,
   * which shows the checkers catch it.
   */
  readonly unsafe?: boolean;
}

/** What one seed did. */
export interface SeedResult {
  readonly seed: number;
  readonly outcome: 'ok' | 'crash' | 'liveness' | 'correctness';
  readonly detail?: string;
  readonly faults: Readonly<Record<string, number>>;
  readonly fencings: number;
  readonly transitions: number;
  readonly virtualMs: number;
}

const RESOURCES = ['vip', 'web', 'db', 'cache'];

/** Runs one seed; never throws (an exception is a `crash` outcome). */
export async function runSeed(seed: number, opts: SimOptions): Promise<SeedResult> {
  const faults: Record<string, number> = {};
  let fencings = 0;
  let transitions = 0;
  const net: MemoryNetwork = memoryNetwork({ seed });
  const base = { seed, faults, get fencings() { return fencings; }, get transitions() { return transitions; } };
  const result = (outcome: SeedResult['outcome'], detail?: string): SeedResult => ({
    seed, outcome, ...(detail !== undefined ? { detail } : {}), faults, fencings, transitions, virtualMs: net.clock.now(),
  });
  void base;
  try {
    const rng: Rng = new SeededRng(seed ^ 0x5eed);
    const names = Array.from({ length: opts.nodes }, (_, i) => `n${i + 1}`);
    const services = new SimulatedServices();
    const say = (s: string): void => { if (opts.verbose) console.log(`[${String(net.clock.now()).padStart(7)}] ${s}`); };
    const cluster = await Cluster.create({
      name: `sim-${seed}`, nodes: names, transport: net, rebootDelayMs: rng.int(500, 4000),
      onPower: (n, on) => { if (!on) services.powerOff(n); say(`${n} power ${on ? 'on' : 'off'}`); },
    });
    cluster.on('transition:started', () => { transitions++; });
    cluster.on('node:fenced', e => { fencings++; say(`fenced ${e.node}`); });
    const device = StonithDevice.function('power', { hosts: names, fence: t => { net.crash(t); return true; } });
    const stickiness = rng.pick(['0', '100', 'INFINITY']);
    const cfg = await cluster.configure(c => {
      c.stonith(device)
        .property('no-quorum-policy', opts.unsafe ? 'ignore' : 'stop')
        .property('stonith-enabled', opts.unsafe ? 'false' : 'true')
        .rscDefault('resource-stickiness', stickiness)
        .resource(Resource.function('vip', services.agent('vip')).monitor('3s'))
        .resource(Resource.group('app', [
          Resource.function('web', services.agent('web')).monitor('3s'),
          Resource.function('db', services.agent('db')).monitor('4s'),
        ]))
        .resource(Resource.function('cache', services.agent('cache')).monitor('5s'))
        .resource(Resource.promotable('ms', Resource.function('store', services.agent('store', { clone: true, promotedMax: 1 }))
          .monitor('5s', { role: 'Unpromoted' }).monitor('4s', { role: 'Promoted' }), { 'promoted-max': '1' }))
        .constraint(Constraint.colocation('app', 'vip', 'INFINITY'))
        .constraint(Constraint.order('vip', 'app'));
      if (rng.chance(0.5)) c.constraint(Constraint.location('cache', rng.pick(names), rng.pick([50, 'INFINITY', -100])));
      // A promotion preference, so the promotable clone has a node to promote on.
      c.constraint(Constraint.location('ms', rng.pick(names), rng.pick([10, 100]), { role: 'Promoted' }));
      return c;
    });
    if (cfg.err) return result('crash', `configure failed: ${cfg.val.message}`);

    const violations: string[] = [];
    // Checked when they happen: every start and promote checks the invariants.
    const check = (): void => {
      for (const v of services.violations.splice(0)) violations.push(`${v.kind} ${v.resource} on ${v.nodes.join(',')} at ${net.clock.now()} ms`);
    };
    const run = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms && violations.length === 0; t += 50) {
        await net.runFor(50, 10);
        check();
      }
    };
    await run(rng.int(500, 3000));

    // ---- safety phase
    const crashed = new Set<string>();
    net.on('crash', n => crashed.add(n));
    net.on('restart', n => crashed.delete(n));
    for (let step = 0; step < opts.steps && violations.length === 0; step++) {
      const kind = rng.pick(['crash', 'restart', 'partition', 'heal', 'loss', 'kill', 'wait', 'wait']);
      const up = names.filter(n => !net.isCrashed(n));
      const down = names.filter(n => net.isCrashed(n));
      let did = true;
      switch (kind) {
        case 'crash':
          if (up.length === 0) { did = false; break; }
          { const n = rng.pick(up); say(`crash ${n}`); net.crash(n); }
          break;
        case 'restart':
          if (down.length === 0) { did = false; break; }
          { const n = rng.pick(down); say(`restart ${n}`); net.restart(n); }
          break;
        case 'partition': {
          const shuffled = [...names].sort(() => rng.next() - 0.5);
          const cut = rng.int(1, names.length - 1);
          const groups = [shuffled.slice(0, cut), shuffled.slice(cut)];
          say(`partition ${groups.map(g => g.join(',')).join(' | ')}`);
          net.partition(groups);
          break;
        }
        case 'heal':
          say('heal');
          net.heal();
          break;
        case 'loss': {
          const p = rng.pick([0, 0.05, 0.2]);
          say(`loss ${p}`);
          net.loss(p);
          break;
        }
        case 'kill': {
          const r = rng.pick(RESOURCES);
          const where = services.nodesOf(r);
          if (where.length === 0) { did = false; break; }
          const n = rng.pick(where);
          say(`kill ${r} on ${n}`);
          services.kill(r, n);
          break;
        }
        default:
          did = kind === 'wait';
      }
      if (did) faults[kind] = (faults[kind] ?? 0) + 1;
      await run(rng.int(100, 4000));
    }
    if (violations.length > 0) return result('correctness', violations[0]);

    // ---- liveness phase
    say('liveness: heal, no loss, restart all');
    net.heal();
    net.loss(0);
    for (const n of names) if (net.isCrashed(n)) net.restart(n);
    // Let every monitor run once, so a service killed late is noticed before "quiet" counts.
    await run(6000);
    const settled = await cluster.settle({ timeoutMs: 180_000 });
    check();
    if (violations.length > 0) return result('correctness', violations[0]);
    if (settled.err) return result('liveness', settled.val.message);

    // ---- convergence
    if (opts.verbose) {
      console.log(settled.val.text);
      const lead = cluster.node(settled.val.dc ?? '');
      if (lead) console.log(cluster.cibXml().replace(/[\s\S]*<status>/, '<status>'));
    }
    const dc = cluster.node(settled.val.dc ?? '');
    if (!dc) return result('liveness', 'no DC after settling');
    const graph = schedule(dc.cib, { now: Math.floor(net.clock.now() / 1000) }).graph;
    if (graph.actions.length > 0) {
      return result('correctness', `schedule still asks for ${graph.actions.map(a => `${a.key}@${a.node?.name ?? '-'}`).join(', ')}`);
    }
    if (settled.val.nodes.some(n => n.state !== 'online')) {
      return result('liveness', `nodes not online after heal: ${settled.val.nodes.filter(n => n.state !== 'online').map(n => `${n.name}=${n.state}`).join(', ')}`);
    }
    const flat = settled.val.resources.flatMap(r => [r, ...(r.children ?? [])]);
    for (const r of flat) {
      if (!RESOURCES.includes(r.id)) continue;
      const cib = [...r.nodes].sort().join(',');
      const real = services.nodesOf(r.id).join(',');
      if (cib !== real) return result('correctness', `${r.id}: CIB says [${cib}], services run on [${real}]`);
    }
    for (const r of ['vip', 'web', 'db']) {
      if (services.nodesOf(r).length !== 1) return result('liveness', `${r} is not running after heal`);
    }
    if (services.nodesOf('web')[0] !== services.nodesOf('vip')[0]) return result('correctness', 'app is not colocated with vip');
    const ms = settled.val.resources.find(r => r.id === 'ms');
    const promotedInCib = Object.entries(ms?.roles ?? {}).filter(([, role]) => role === 'Promoted').map(([n]) => n).sort();
    const promotedReal = [...new Set(services.promotedOn('store').concat(...[0, 1, 2, 3, 4].map(i => services.promotedOn(`store:${i}`))))].sort();
    if (promotedInCib.join(',') !== promotedReal.join(',')) {
      return result('correctness', `ms: CIB says promoted on [${promotedInCib}], services on [${promotedReal}]`);
    }
    await cluster.stop();
    return result('ok');
  } catch (e) {
    return result('crash', e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e));
  }
}

function parseArgs(argv: readonly string[]): { seeds: number[]; nodes: number; steps: number; verbose: boolean; unsafe: boolean } {
  let count = 20;
  let first: number | undefined;
  let single: number | undefined;
  let nodes = 3;
  let steps = 25;
  let verbose = false;
  let unsafe = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a} needs a non-negative integer`);
      return n;
    };
    if (a === '--seeds') count = v();
    else if (a === '--seed') single = v();
    else if (a === '--from') first = v();
    else if (a === '--nodes') nodes = Math.max(2, v());
    else if (a === '--steps') steps = v();
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--unsafe') unsafe = true;
    else throw new Error(`unknown argument ${a} (use --seeds N, --seed S, --from S, --nodes K, --steps M, --verbose, --unsafe)`);
  }
  const start = first ?? (single === undefined ? (Date.now() % 1_000_000) : 0);
  const seeds = single !== undefined ? [single] : Array.from({ length: count }, (_, i) => start + i);
  return { seeds, nodes, steps, verbose, unsafe };
}

/** Runs many seeds; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const started = Date.now();
  console.log(`sim: ${args.seeds.length} seed(s) from ${args.seeds[0]}, ${args.nodes} nodes, ${args.steps} fault steps`);
  const totals: Record<string, number> = {};
  let fencings = 0;
  let transitions = 0;
  let worst: SeedResult | undefined;
  const rank = { ok: 0, liveness: 1, correctness: 2, crash: 3 };
  for (const seed of args.seeds) {
    const r = await runSeed(seed, { nodes: args.nodes, steps: args.steps, verbose: args.verbose, unsafe: args.unsafe });
    for (const [k, n] of Object.entries(r.faults)) totals[k] = (totals[k] ?? 0) + n;
    fencings += r.fencings;
    transitions += r.transitions;
    if (r.outcome !== 'ok') {
      console.log(`seed ${seed}: ${r.outcome.toUpperCase()}: ${r.detail ?? ''}`);
      console.log(`  replay: npm run sim -- --seed ${seed} --nodes ${args.nodes} --steps ${args.steps} --verbose`);
      if (!worst || rank[r.outcome] > rank[worst.outcome]) worst = r;
    }
  }
  console.log(`faults: ${Object.entries(totals).map(([k, n]) => `${k}=${n}`).join(' ')}; fencings=${fencings}; transitions=${transitions}`);
  console.log(`${args.seeds.length} seed(s) in ${Date.now() - started} ms: ${worst ? `FAILED (${worst.outcome})` : 'all ok'}`);
  return worst ? EXIT[worst.outcome] : EXIT.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.on('uncaughtException', e => { console.error('uncaught exception:', e); process.exit(EXIT.crash); });
  process.on('unhandledRejection', e => { console.error('unhandled rejection:', e); process.exit(EXIT.crash); });
  main(process.argv.slice(2)).then(code => process.exit(code), e => { console.error(e); process.exit(EXIT.crash); });
}
