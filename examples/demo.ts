/**
 * Demo: unpack a shipped example CIB (3 nodes, one failed resource) and print
 * its status the way `crm_simulate -S` does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCib } from '../src/cib/parse.js';
import { unpackCluster } from '../src/cib/unpack/unpack.js';
import { formatCurrentStatus } from '../src/cib/format/status.js';

// dist/examples/demo.js -> examples/cibs/ in the source tree.
const file = fileURLToPath(new URL('../../examples/cibs/three-nodes-one-failed.xml', import.meta.url));
const parsed = parseCib(readFileSync(file, 'utf8'));
if (parsed.err) {
  console.error(`demo: ${parsed.val.message}`);
  process.exit(2);
}
const cluster = unpackCluster(parsed.val, { now: 1_700_000_200 });
process.stdout.write(formatCurrentStatus(cluster));
for (const r of cluster.resources) {
  if (r.failed) console.log(`\n${r.id} failed on ${r.runningOn.join(', ')}; failcounts: ${JSON.stringify(r.failcount)}`);
}
