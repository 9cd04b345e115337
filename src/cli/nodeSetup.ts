/**
 * What `quorate node` reads before it starts: corosync.conf, the cluster key
 * and the initial CIB. Every problem is one line naming the file (and the
 * line) and why.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Ok, Err, type Result } from '../util/result.js';
import { parseCorosyncConf, type CorosyncConfig } from '../config/corosyncConf.js';
import { transportPlan, votequorumConfigOf, type TransportPlan } from '../config/clusterOptions.js';
import { readAuthKey } from '../messaging/authKeyFile.js';
import { parseCib } from '../cib/parse.js';
import { emptyCib } from '../cluster/cibOps.js';
import type { Cib } from '../cib/types.js';
import type { VotequorumConfig } from '../quorum/votequorum.js';

/** corosync's default key file. */
export const DEFAULT_KEY_FILE = '/etc/corosync/authkey';

/** Inputs of {@link loadNodeSetup}. */
export interface NodeSetupInput {
  readonly configPath: string;
  readonly name: string;
  readonly keyPath?: string;
  readonly cibPath?: string;
}

/** Everything a node needs to start. */
export interface NodeSetup {
  readonly config: CorosyncConfig;
  readonly plan: TransportPlan;
  readonly key: Buffer;
  /** Where the key came from (a path, or 'cluster name' when crypto is off). */
  readonly keySource: string;
  readonly quorum: VotequorumConfig | undefined;
  /** The CIB this node offers when it joins (the file's configuration, or an empty one). */
  readonly cib: Cib;
}

/** A setup problem: one line for stderr. */
export interface SetupError {
  readonly code: 'QUORATE_ERR_BAD_CONFIG' | 'QUORATE_ERR_BAD_CIB' | 'QUORATE_ERR_AUTHKEY';
  readonly message: string;
}

/** Reads and checks the configuration, the key and the CIB. */
export async function loadNodeSetup(input: NodeSetupInput): Promise<Result<NodeSetup, SetupError>> {
  let text: string;
  try {
    text = await readFile(input.configPath, 'utf8');
  } catch (e) {
    return Err({ code: 'QUORATE_ERR_BAD_CONFIG', message: `cannot read ${input.configPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
  }
  const parsed = parseCorosyncConf(text);
  if (parsed.err) return Err({ code: 'QUORATE_ERR_BAD_CONFIG', message: `${input.configPath}: ${parsed.val.message}` });
  const config = parsed.val;
  const plan = transportPlan(config, input.name);
  if (plan.err) return Err({ code: 'QUORATE_ERR_BAD_CONFIG', message: `${input.configPath}: ${plan.val.message}` });

  // An explicit --key always authenticates; otherwise crypto_hash decides, as in corosync.
  const keyPath = input.keyPath ?? (config.auth ? config.keyFile ?? DEFAULT_KEY_FILE : undefined);
  let key: Buffer;
  let keySource: string;
  if (keyPath !== undefined) {
    const k = await readAuthKey(keyPath);
    if (k.err) {
      // Name what asked for the key: --key, or the config line (keyfile, or the crypto_hash that needs the default file).
      const why = input.keyPath !== undefined ? '--key'
        : `${input.configPath}${config.keyLine !== undefined ? `: line ${config.keyLine}` : ''}: ${config.keyFile !== undefined ? 'totem.keyfile' : `crypto_hash ${config.cryptoHash} needs the key file ${DEFAULT_KEY_FILE} (or totem.keyfile, or --key)`}`;
      return Err({ code: 'QUORATE_ERR_AUTHKEY', message: `${why}: ${k.val.message}` });
    }
    key = k.val;
    keySource = keyPath;
  } else {
    // crypto_hash none: frames still carry a MAC, under a key anyone knowing the cluster name can derive.
    key = createHash('sha256').update(`quorate-unauthenticated:${config.clusterName}`).digest();
    keySource = 'cluster name (crypto_hash: none)';
  }

  const names = config.nodes.map(n => n.name);
  let cib = emptyCib(names);
  if (input.cibPath !== undefined) {
    let xml: string;
    try {
      xml = await readFile(input.cibPath, 'utf8');
    } catch (e) {
      return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `cannot read ${input.cibPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
    const c = parseCib(xml);
    if (c.err) return Err({ code: 'QUORATE_ERR_BAD_CIB', message: `${input.cibPath}: ${c.val.message}` });
    cib = initialCib(c.val, names);
  }
  return Ok({ config, plan: plan.val, key, keySource, quorum: votequorumConfigOf(config), cib });
}

/**
 * The file's configuration with every nodelist node present, and an empty
 * status: a status section saved from an earlier run describes processes
 * that are gone; the cluster probes afresh.
 */
export function initialCib(file: Cib, nodes: readonly string[]): Cib {
  const known = new Set(file.configuration.nodes.map(n => n.uname));
  const extra = nodes.filter(n => !known.has(n)).map(n => ({ id: n, uname: n, instance: [], utilization: [] }));
  return {
    ...file,
    configuration: { ...file.configuration, nodes: [...file.configuration.nodes, ...extra] },
    status: { nodes: [], tickets: [] },
  };
}
