/**
 * The same failover through the real stack: Corosync 3.1 (knet, aes256 +
 * sha256) and Pacemaker 2.1 from Debian, three nodes, each in its own
 * network namespace on a private bridge and its own mount namespace (private
 * /run, /dev/shm, /var/lib/pacemaker, /var/lib/corosync, /var/log/pacemaker,
 * so three daemons sets coexist on one machine), the same CIB (fence_dummy
 * stonith device, ocf:heartbeat:Dummy with a 2 s monitor, stickiness 100).
 * `kill -9` of every process in the namespace of the node running the Dummy,
 * then from the survivors' own logs: corosync's new membership, fenced's
 * reboot confirmed, controld's start of the Dummy elsewhere.
 * @module
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { IP } from './nsCluster.js';
import { bridgeNamespaces } from './netns.js';
import type { FailoverSample } from './failover.js';

const COROSYNC = ['/usr/sbin/corosync', '/usr/bin/corosync'].find(p => existsSync(p));
const PACEMAKERD = ['/usr/sbin/pacemakerd', '/usr/bin/pacemakerd'].find(p => existsSync(p));

/** Why Corosync + Pacemaker cannot run here, or undefined when they can. */
export function pacemakerObstacle(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: namespaces and the daemons need root';
  if (!IP) return 'iproute2 (ip) is not installed';
  if (!COROSYNC) return 'corosync is not installed (Debian package corosync)';
  if (!PACEMAKERD) return 'pacemaker is not installed (Debian package pacemaker)';
  if (!existsSync('/usr/sbin/fence_dummy')) return 'fence_dummy is missing (Debian package fence-agents)';
  if (!existsSync('/usr/lib/ocf/resource.d/heartbeat/Dummy')) return 'ocf:heartbeat:Dummy is missing (Debian package resource-agents)';
  for (const tool of ['unshare', 'nsenter']) if (spawnSync(tool, ['--version'], { stdio: 'pipe' }).status !== 0) return `${tool} (util-linux) is missing`;
  if (spawnSync('id', ['hacluster'], { stdio: 'pipe' }).status !== 0) return 'no hacluster user';
  return undefined;
}

function conf(addrs: readonly string[], tokenMs: number, keyfile: string): string {
  const nodes = addrs.map((a, i) => `  node {\n    ring0_addr: ${a}\n    name: n${i + 1}\n    nodeid: ${i + 1}\n  }`).join('\n');
  // token_coefficient 0: the same token (and consensus = 1.2 × token) as quorate's run.
  return `totem {\n  version: 2\n  cluster_name: pmbench\n  transport: knet\n  token: ${tokenMs}\n  token_coefficient: 0\n` +
    `  crypto_cipher: aes256\n  crypto_hash: sha256\n  keyfile: ${keyfile}\n}\nnodelist {\n${nodes}\n}\n` +
    `quorum {\n  provider: corosync_votequorum\n}\nlogging {\n  to_stderr: yes\n  to_syslog: no\n  to_logfile: no\n  timestamp: hires\n}\n`;
}

/** Runs inside `ip netns exec NS unshare -m`: private state directories, then corosync and pacemakerd. */
function nodeScript(cfg: string, corosyncLog: string): string {
  return [
    'set -e',
    'mount --make-rprivate /',
    'mount -t tmpfs none /run', 'mkdir -p /run/lock',
    'mount -t tmpfs none /var/lib/corosync',
    'mount -t tmpfs none /var/lib/pacemaker',
    'mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores',
    'chown -R hacluster:haclient /var/lib/pacemaker', 'chmod 750 /var/lib/pacemaker/*',
    'mount -t tmpfs none /var/log/pacemaker', 'chown hacluster:haclient /var/log/pacemaker',
    'mount -t tmpfs none /dev/shm', 'chmod 1777 /dev/shm',
    `${COROSYNC} -f -c ${cfg} > ${corosyncLog} 2>&1 &`,
    'sleep 1',
    `exec ${PACEMAKERD}`,
  ].join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

/** Pacemaker's and corosync's log time stamps ("Nov 25 16:19:36.713"), as epoch ms. */
function logTime(line: string): number | undefined {
  const m = /^([A-Z][a-z]{2}) +(\d+) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(line);
  if (!m) return undefined;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]!);
  const d = new Date();
  d.setMonth(month, Number(m[2]));
  d.setHours(Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return d.getTime();
}

/** One failover of Corosync + Pacemaker in namespaces; throws with the reason when it cannot. */
export async function pacemakerFailoverOnce(tokenMs: number): Promise<FailoverSample> {
  const why = pacemakerObstacle();
  if (why) throw new Error(why);
  const ip = IP!;
  const tag = `${process.pid % 100000}`;
  const br = `pm-br-${tag}`;
  const nss = [1, 2, 3].map(i => `pm-n${i}-${tag}`);
  const addrs = nss.map((_, i) => `10.231.91.${i + 1}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'quorate-pm-'));
  const run = (...a: string[]): void => { execFileSync(ip, a, { stdio: 'pipe' }); };
  const pidsOf = (ns: string): number[] => spawnSync(ip, ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  const daemonPid = (ns: string): number | undefined => pidsOf(ns).find(p => {
    try { return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'pacemakerd'; } catch { return false; }
  });
  // A command inside node i's network and mount namespaces (its IPC lives in its /dev/shm).
  const inNode = (i: number, cmd: string[]): { status: number | null; stdout: string } => {
    const pid = daemonPid(nss[i]!);
    if (pid === undefined) return { status: null, stdout: '' };
    const r = spawnSync('nsenter', ['-t', String(pid), '-m', '-n', ...cmd], { encoding: 'utf8', timeout: 15_000 });
    return { status: r.status, stdout: r.stdout ?? '' };
  };
  const monXml = (i: number): string => inNode(i, ['crm_mon', '-1', '--output-as=xml']).stdout;
  const where = (xml: string, rsc: string): string[] => {
    const m = new RegExp(`<resource id="${rsc}"[^>]*active="true"[^>]*>([\\s\\S]*?)</resource>`).exec(xml);
    return m ? [...m[1]!.matchAll(/<node name="([^"]+)"/g)].map(x => x[1]!) : [];
  };
  try {
    bridgeNamespaces(run, br, nss, addrs);
    const key = path.join(dir, 'authkey');
    writeFileSync(key, randomBytes(256), { mode: 0o400 });
    const cfg = path.join(dir, 'corosync.conf');
    writeFileSync(cfg, conf(addrs, tokenMs, key));
    const fenceStatus = path.join(dir, 'fence.status');
    writeFileSync(fenceStatus, 'on');
    for (const [i, ns] of nss.entries()) {
      spawn(ip, ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c', nodeScript(cfg, path.join(dir, `corosync-n${i + 1}.log`))],
        { stdio: 'ignore', detached: true }).unref();
    }
    // Pacemaker waits up to dc-deadtime (20 s) before it elects a DC on a fresh cluster.
    let dcUp = false;
    for (let k = 0; k < 120 && !dcUp; k++) {
      await sleep(500);
      const x = monXml(0);
      dcUp = /<current_dc [^>]*present="true"/.test(x) && (x.match(/<node name="n\d" [^>]*online="true"/g) ?? []).length === 3;
    }
    if (!dcUp) throw new Error('no DC with three online nodes within 60 s');
    const cmds: string[][] = [
      ['crm_attribute', '-t', 'crm_config', '-n', 'stonith-enabled', '-v', 'true'],
      ['crm_attribute', '-t', 'rsc_defaults', '-n', 'resource-stickiness', '-v', '100'],
      ['cibadmin', '-C', '-o', 'resources', '-X', `<primitive id="fence1" class="stonith" type="fence_dummy"><instance_attributes id="fence1-ia"><nvpair id="fence1-sf" name="status_file" value="${fenceStatus}"/><nvpair id="fence1-hl" name="pcmk_host_list" value="n1 n2 n3"/></instance_attributes></primitive>`],
      ['cibadmin', '-C', '-o', 'resources', '-X', '<primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="dummy-mon" name="monitor" interval="2s" timeout="20s"/></operations></primitive>'],
    ];
    for (const c of cmds) {
      const r = inNode(0, c);
      if (r.status !== 0) throw new Error(`${c.slice(0, 2).join(' ')} failed`);
    }
    let holder = '';
    for (let k = 0; k < 60 && !holder; k++) {
      await sleep(500);
      const x = monXml(0);
      const d = where(x, 'dummy');
      if (d.length === 1 && where(x, 'fence1').length === 1 && !/<failure /.test(x)) holder = d[0]!;
    }
    if (!holder) throw new Error('dummy and fence1 never both started');
    await sleep(1000);
    const victim = Number(holder.slice(1)) - 1;
    const survivors = [0, 1, 2].filter(i => i !== victim);
    const killedAt = Date.now();
    for (const p of pidsOf(nss[victim]!)) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    let recovered = false;
    for (let k = 0; k < 600 && !recovered; k++) {
      const d = where(monXml(survivors[0]!), 'dummy');
      recovered = d.length === 1 && d[0] !== holder;
      if (!recovered) await sleep(100);
    }
    if (!recovered) throw new Error('dummy never recovered on a survivor within 60 s');
    const after = (lines: string[], re: RegExp): number | undefined => {
      const ts = lines.filter(l => re.test(l)).map(logTime).filter((t): t is number => t !== undefined && t >= killedAt - 5);
      return ts.length > 0 ? Math.min(...ts) - killedAt : undefined;
    };
    const survivorLogs = survivors.map(i => inNode(i, ['cat', '/var/log/pacemaker/pacemaker.log']).stdout.split('\n'));
    const corosyncLogs = survivors.map(i => readFileSync(path.join(dir, `corosync-n${i + 1}.log`), 'utf8').split('\n'));
    const views = corosyncLogs.map(l => after(l, /\[QUORUM\] Members\[2\]/));
    const fenced = survivorLogs.map(l => after(l, new RegExp(`Operation 'reboot' targeting ${holder} .*: OK`))).filter((t): t is number => t !== undefined);
    const started = survivorLogs.map(l => after(l, /Result of start operation for dummy on n\d: ok/)).filter((t): t is number => t !== undefined);
    if (views.some(v => v === undefined) || fenced.length === 0 || started.length === 0) {
      throw new Error(`a survivor log lacks a line: views ${JSON.stringify(views)}, fenced ${JSON.stringify(fenced)}, started ${JSON.stringify(started)}; ` +
        `log sizes ${survivorLogs.map(l => l.length).join('/')} and ${corosyncLogs.map(l => l.length).join('/')}; sample ${JSON.stringify(corosyncLogs[0]!.slice(-2))} ${JSON.stringify(survivorLogs[0]!.slice(-1))}`);
    }
    return { viewMs: Math.max(...(views as number[])), fencedMs: Math.min(...fenced), startedMs: Math.min(...started) };
  } finally {
    for (const ns of nss) for (const p of pidsOf(ns)) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    await sleep(500);
    for (const ns of [...nss, br]) spawnSync(ip, ['netns', 'del', ns], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
}
