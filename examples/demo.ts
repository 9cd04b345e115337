/**
 * Demo: a 3-node cluster in this process on the memory network. A function
 * agent holds a "virtual IP"; a real HTTP server (node, run by
 * ocf:heartbeat:anything) is colocated with it and ordered after it; a fence
 * device powers machines off. n1 crashes, is fenced, the service comes back
 * on another node, n1 rejoins — printed as a timeline, then crm_mon-style.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, Constraint, memoryNetwork, Resource, StonithDevice, type FunctionAgentSpec } from '../src/index.js';

const wallStart = Date.now();
const dir = mkdtempSync(path.join(tmpdir(), 'quorate-demo-'));
const net = memoryNetwork({ seed: 42 });
const say = (s: string): void => {
  const t = (net.clock.now() / 1000).toFixed(2).padStart(6);
  console.log(`  [cluster t=${t}s  wall ${String(Date.now() - wallStart).padStart(4)}ms] ${s}`);
};

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** GET http://127.0.0.1:port/ — the body, or the error. */
function get(port: number): Promise<string> {
  return new Promise(resolve => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, res => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body.trim()));
    });
    req.on('error', e => resolve(`(${e.message})`));
    req.end();
  });
}

async function getWithRetry(port: number): Promise<string> {
  let last = '';
  for (let i = 0; i < 20; i++) {
    last = await get(port);
    if (!last.startsWith('(')) return last;
    await new Promise(r => setTimeout(r, 50));
  }
  return last;
}

// The "virtual IP": which machine holds the address (one table for the demo's three machines).
const vipHolder = new Map<string, string>();
const vipAgent: FunctionAgentSpec = {
  start: c => { vipHolder.set('10.0.0.100', c.meta['on_node'] ?? '?'); },
  stop: c => { if (vipHolder.get('10.0.0.100') === c.meta['on_node']) vipHolder.delete('10.0.0.100'); },
  monitor: c => (vipHolder.get('10.0.0.100') === c.meta['on_node'] ? 0 : 7),
};

async function main(): Promise<number> {
  const port = await freePort();
  const script = path.join(dir, 'server.mjs');
  writeFileSync(script, `import http from 'node:http';
http.createServer((q, s) => s.end('hello from web server pid ' + process.pid + '\\n')).listen(${port}, '127.0.0.1');
`);
  const haveAnything = existsSync('/usr/lib/ocf/resource.d/heartbeat/anything');
  // Without resource-agents installed, an in-process server stands in for the OCF one.
  const servers = new Map<string, ReturnType<typeof createServer>>();
  const webFallback: FunctionAgentSpec = {
    start: c => new Promise<void>(resolve => {
      const s = createServer((_q, res) => res.end(`hello from in-process server on ${c.meta['on_node']}\n`));
      servers.set(c.meta['on_node'] ?? '?', s);
      s.listen(port, '127.0.0.1', () => resolve());
    }),
    stop: c => new Promise<void>(resolve => { const s = servers.get(c.meta['on_node'] ?? '?'); servers.delete(c.meta['on_node'] ?? '?'); if (s) s.close(() => resolve()); else resolve(); }),
    monitor: c => (servers.has(c.meta['on_node'] ?? '?') ? 0 : 7),
  };

  console.log('quorate demo: 3 nodes in one process, memory network, virtual time\n');
  const cluster = await Cluster.create({
    name: 'demo', nodes: ['n1', 'n2', 'n3'], transport: net, machineDir: path.join(dir, 'machines'), rebootDelayMs: -1,
    onPower: (n, on) => {
      if (on) return;
      // A machine losing power loses its in-process stand-ins too.
      const s = servers.get(n);
      if (s) { s.close(); servers.delete(n); }
      if (vipHolder.get('10.0.0.100') === n) vipHolder.delete('10.0.0.100');
    },
  });
  say(`cluster formed: ${cluster.status().nodes.map(n => n.name).join(', ')}; DC is ${cluster.status().dc}`);
  cluster.on('node:down', e => say(`node ${e.node} left the membership`));
  cluster.on('node:up', e => say(`node ${e.node} joined`));
  cluster.on('dc:elected', e => say(`DC elected: ${e.node}`));
  cluster.on('quorum:changed', e => say(`quorum ${e.quorate ? 'gained' : 'LOST'} (${e.members.length} members, ${e.needed} needed)`));
  cluster.on('node:fenced', e => say(`node ${e.node} fenced (${e.action}) by ${e.devices.join(',')} from ${e.executioner}`));
  cluster.on('resource:started', e => say(`${e.resource} started on ${e.node}`));
  cluster.on('resource:stopped', e => say(`${e.resource} stopped on ${e.node}`));
  cluster.on('resource:failed', e => say(`${e.resource} ${e.operation} FAILED on ${e.node} (rc=${e.rc})`));

  const web = haveAnything
    ? Resource.primitive('web', 'ocf:heartbeat:anything', { binfile: process.execPath, cmdline_options: script }).monitor('5s')
    : Resource.function('web', webFallback).monitor('5s');
  const cfg = await cluster.configure(c => c
    .stonith(StonithDevice.function('powerswitch', { hosts: ['n1', 'n2', 'n3'], fence: t => { net.crash(t); return true; } }))
    .resource(Resource.function('vip', vipAgent).monitor('5s'))
    .resource(web)
    .constraint(Constraint.colocation('web', 'vip', 'INFINITY'))
    .constraint(Constraint.order('vip', 'web'))
    .constraint(Constraint.location('vip', 'n1', 100))
    .rscDefault('resource-stickiness', '200'));
  if (cfg.err) { console.error(`configure failed: ${cfg.val.message}`); return 1; }
  say(`configured: vip (function), web (${haveAnything ? 'ocf:heartbeat:anything running node' : 'function stand-in'}), fence device powerswitch`);
  let s = await cluster.settle({ timeoutMs: 60_000 });
  if (s.err) { console.error(s.val.message); return 1; }
  say(`settled: vip on ${vipHolder.get('10.0.0.100')}; GET :${port} -> ${await getWithRetry(port)}`);

  console.log('');
  say('*** n1 crashes ***');
  net.crash('n1');
  s = await cluster.settle({ timeoutMs: 60_000 });
  if (s.err) { console.error(s.val.message); return 1; }
  const where = s.val.resources.find(r => r.id === 'web')?.nodes.join(',');
  say(`recovered: web on ${where}; GET :${port} -> ${await getWithRetry(port)}`);

  console.log('');
  say('*** n1 boots again ***');
  net.restart('n1');
  s = await cluster.settle({ timeoutMs: 60_000 });
  if (s.err) { console.error(s.val.message); return 1; }
  say(`n1 rejoined; web stays on ${s.val.resources.find(r => r.id === 'web')?.nodes.join(',')} (stickiness)`);

  console.log('\n' + s.val.text);

  // Stop the real server through the cluster before leaving.
  await cluster.setProperty('stop-all-resources', 'true');
  await cluster.settle({ timeoutMs: 60_000 });
  await cluster.stop();
  console.log(`done in ${Date.now() - wallStart} ms of wall time`);
  return 0;
}

main().then(code => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}, e => {
  console.error(e);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
