import { test } from 'node:test';
import { NETNS_SKIP, partitionAndHeal } from './netnsPartition.js';

test('udp unicast in namespaces: a cut link partitions 2+1, healing it merges into one 3-member view that streams in one order', { skip: NETNS_SKIP, timeout: 40_000 }, t =>
  partitionAndHeal('udp', { intervalMs: 50, deadtimeMs: 600 }, 78, m => t.diagnostic(m)));
