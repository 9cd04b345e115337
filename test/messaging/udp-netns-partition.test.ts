import { test } from 'node:test';
import { NETNS_SKIP, partitionAndHeal } from './netnsPartition.js';

const TIMERS = { intervalMs: 50, deadtimeMs: 600 };

test('udp unicast in namespaces: a cut link partitions 2+1, healing it merges into one 3-member view', { skip: NETNS_SKIP, timeout: 40_000 }, t =>
  partitionAndHeal('udp', TIMERS, 78, m => t.diagnostic(m), false));

// Known failure (issue 7, the same as udp-soak): streaming from every node on the
// merged view stalls the sequencer (n1 stops answering, n2+n3 split off).
// QUORATE_UDP_SOAK=1 runs it; drop the skip once the heartbeat protocol is fixed.
const streamSkip = NETNS_SKIP || (process.env.QUORATE_UDP_SOAK === '1' ? false
  : 'known failure: udp heartbeat stalls when every node streams after a merge (QUORATE_UDP_SOAK=1 runs it)');
test('udp unicast in namespaces: after partition and merge, a stream from every node is delivered in one order', { skip: streamSkip, timeout: 40_000 }, t =>
  partitionAndHeal('udp', TIMERS, 79, m => t.diagnostic(m), true));
