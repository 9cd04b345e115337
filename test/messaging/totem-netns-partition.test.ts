import { test } from 'node:test';
import { NETNS_SKIP, partitionAndHeal } from './netnsPartition.js';

test('totem tcp in namespaces: a cut link partitions 2+1, healing it merges into one 3-member view', { skip: NETNS_SKIP, timeout: 40_000 }, t =>
  partitionAndHeal('tcp', { tokenMs: 300, tokenCoefficientMs: 100, joinMs: 30, mergeMs: 100 }, 77, m => t.diagnostic(m)));
