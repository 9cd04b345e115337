/**
 * Clone notifications carry Pacemaker's CRM_meta_notify_* lists (active,
 * inactive, promoted, unpromoted, start, stop, promote, demote, available, all),
 * and a stop implied by fencing gets a second post-stop notification that
 * follows the fencing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster, executionDate } from '../../src/cib/unpack/unpack.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import { formatGraphXml, parseGraphXml, type TransitionGraph } from '../../src/policy/index.js';
import { CASES_DIR } from './cases.js';

function graphOf(name: string): TransitionGraph {
  const cib = parseCib(readFileSync(join(CASES_DIR, 'xml', `${name}.xml`), 'utf8'));
  assert.ok(cib.ok);
  const now = executionDate(cib.val) ?? 1_700_000_000;
  return scheduleUnpacked(unpackCluster(cib.val, { now })).graph;
}

function expected(name: string): TransitionGraph {
  const g = parseGraphXml(readFileSync(join(CASES_DIR, 'exp', `${name}.exp`), 'utf8'));
  assert.ok(g.ok);
  return g.val;
}

type Action = TransitionGraph['actions'][number];
const keyOf = (a: Action): string => `${a.internalKey ?? a.key}@${a.node?.name ?? ''}`;

/** Every CRM_meta_notify_* attribute that differs between our graph and Pacemaker's. */
function notifyVarDiffs(name: string): string[] {
  // Through the XML, as the expected side is read (the parser trims values).
  const mine = parseGraphXml(formatGraphXml(graphOf(name)));
  assert.ok(mine.ok);
  const ours = new Map(mine.val.actions.map((a) => [keyOf(a), a]));
  const out: string[] = [];
  for (const e of expected(name).actions) {
    const vars = Object.entries(e.attributes).filter(([k]) => k.startsWith('CRM_meta_notify'));
    if (vars.length === 0) continue;
    const a = ours.get(keyOf(e));
    if (!a) { out.push(`${keyOf(e)} missing`); continue; }
    for (const [k, v] of vars) if (a.attributes[k] !== v) out.push(`${keyOf(e)} ${k}: want "${v}" got "${a.attributes[k]}"`);
    for (const k of Object.keys(a.attributes)) if (k.startsWith('CRM_meta_notify') && !(k in e.attributes)) out.push(`${keyOf(e)} extra ${k}`);
  }
  return out;
}

test('a starting instance and its notifications carry the lists (notify-1)', () => {
  const g = graphOf('notify-1');
  const post = g.actions.find((a) => a.key === 'child_rsc1:0_post_notify_start_0' && a.node?.name === 'node1');
  assert.ok(post, 'post-start notification of the running instance');
  assert.equal(post.attributes['CRM_meta_notify_active_resource'], 'child_rsc1:0');
  assert.equal(post.attributes['CRM_meta_notify_inactive_resource'], 'child_rsc1:1');
  assert.equal(post.attributes['CRM_meta_notify_start_resource'], 'child_rsc1:1');
  assert.equal(post.attributes['CRM_meta_notify_start_uname'], 'node1');
  assert.equal(post.attributes['CRM_meta_notify_stop_resource'], ' ', 'an empty list is one space');
  assert.equal(post.attributes['CRM_meta_notify_all_uname'], 'node1 node2', 'every node, offline ones too');
  assert.equal(post.attributes['CRM_meta_notify_key_type'], 'post');
  assert.equal(post.attributes['CRM_meta_notify_key_operation'], 'running');
  const start = g.actions.find((a) => a.key === 'child_rsc1:1_start_0');
  assert.ok(start);
  assert.equal(start.attributes['CRM_meta_notify_start_resource'], 'child_rsc1:1', 'the notified action itself carries the lists');
  assert.equal(start.attributes['CRM_meta_notify_type'], undefined, 'but not the notification type');
});

test('a stop implied by fencing is announced right after the fencing (interleave-pseudo-stop)', () => {
  const g = graphOf('interleave-pseudo-stop');
  const post = g.actions.find((a) => a.internalKey === 'evmsclone:1_post_notify_stonith_0');
  assert.ok(post, 'second post-stop notification pseudo action');
  assert.equal(post.key, 'evmsclone:0_post_notify_stop_0', 'known by the history name of the fenced instance');
  const fence = g.actions.find((a) => a.operation === 'stonith');
  assert.ok(fence && post.inputs.includes(fence.id), 'follows the fencing');
  const survivor = g.actions.find((a) => a.internalKey === 'evmsclone:0_post_notify_stop_0' && a.node?.name === 'node2');
  assert.ok(survivor, 'the surviving instance is notified');
  assert.ok(survivor.inputs.includes(post.id), 'by the post-fencing notification');
  assert.equal(survivor.attributes['CRM_meta_notify_key_operation'], 'stonith');
  assert.equal(survivor.attributes['CRM_meta_notify_stop_resource'], 'evmsclone:1');
  assert.equal(survivor.attributes['CRM_meta_notify_stop_uname'], 'node1');
});

/** Cases whose notification lists match Pacemaker's exactly. */
const MATCHING = [
  'bug-1572-2', 'bug-1685', 'bug-1765', 'bug-5143-ms-shuffle', 'bug-cl-5168', 'bug-cl-5247', 'bug-lf-2153', 'bug-lf-2317',
  'clone-no-shuffle', 'colo_promoted_w_native', 'colocation_constraint_stops_unpromoted', 'failed-demote-recovery-promoted',
  'failed-demote-recovery', 'group-dependents', 'inc10', 'interleave-pseudo-stop', 'interleave-restart', 'interleave-stop',
  'notify-1', 'notify-2', 'notify-3', 'novell-239082', 'novell-252693-2', 'novell-252693-3', 'novell-252693',
  'order_constraint_stops_unpromoted', 'probe-2', 'promoted-10', 'promoted-13', 'promoted-2', 'promoted-dependent-ban',
  'promoted-notify', 'promoted-pseudo', 'promoted-score-startup',
];

test('notification lists match Pacemaker 2.1.5 on the regression cases', () => {
  const failing = MATCHING.map((n) => [n, notifyVarDiffs(n)] as const).filter(([, d]) => d.length > 0).map(([n, d]) => `${n}: ${d.slice(0, 3).join('; ')}`);
  assert.deepEqual(failing, []);
});
