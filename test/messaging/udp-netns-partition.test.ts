import { test } from 'node:test';
import { NETNS_SKIP, partitionAndHeal } from './netnsPartition.js';

const TIMERS = { intervalMs: 50, deadtimeMs: 600 };

test('udp unicast in namespaces: a cut link partitions 2+1, healing it merges into one 3-member view', { skip: NETNS_SKIP, timeout: 40_000 }, t =>
  partitionAndHeal('udp', TIMERS, 78, m => t.diagnostic(m), false));

test('udp unicast in namespaces: after partition and merge, a stream from every node is delivered in one order', { skip: NETNS_SKIP, timeout: 40_000 }, t =>
  partitionAndHeal('udp', TIMERS, 79, m => t.diagnostic(m), true));
