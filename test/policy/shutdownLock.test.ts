/**
 * shutdown-lock: a resource active on a node that shuts down cleanly is held
 * there (banned elsewhere) rather than recovered; a lock past
 * shutdown-lock-limit has its history deleted instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib } from '../../src/cib/parse.js';
import { schedule, formatGraphXml } from '../../src/policy/index.js';
import { assertCaseMatches, loadCases, CASES_DIR } from './cases.js';

for (const c of loadCases().filter((x) => x.name === 'shutdown-lock' || x.name === 'shutdown-lock-expiration')) {
  test(`${c.name}: summary, graph and scores match Pacemaker 2.1.5`, () => assertCaseMatches(c));
}

/** The shutdown-lock case's CIB, with the option set to `lock`, scheduled at its own time. */
function run(lock: 'true' | 'false', limit?: string): { xml: string; actions: string[] } {
  let text = readFileSync(join(CASES_DIR, 'xml', 'shutdown-lock.xml'), 'utf8').replace(/name="shutdown-lock" value="true"/, `name="shutdown-lock" value="${lock}"`);
  if (limit !== undefined) text = text.replace(/(<nvpair id="cib-bootstrap-options-shutdown-lock"[^>]*\/>)/, `$1<nvpair id="opt-lock-limit" name="shutdown-lock-limit" value="${limit}"/>`);
  const cib = parseCib(text);
  assert.ok(cib.ok);
  const r = schedule(cib.val, { now: Date.UTC(2020, 0, 6, 21, 59, 11) / 1000 });
  const xml = formatGraphXml(r);
  const actions = [...xml.matchAll(/<(?:rsc_op|crm_event) [^>]*operation_key="([^"]+)" on_node="([^"]+)"/g)].map((m) => `${m[1]}@${m[2]}`);
  return { xml, actions: [...new Set(actions)].sort() };
}

test('locked: the shutting-down node\'s resource only stops, its stop carries the lock time; the locked stopped one stays', () => {
  const { xml, actions } = run('true');
  assert.ok(actions.includes('rsc1_stop_0@node1'));
  assert.ok(!actions.some((a) => a.startsWith('rsc1_start_0') || a.startsWith('rsc2_start_0')), actions.join(' '));
  assert.match(xml, /operation_key="rsc1_stop_0" on_node="node1" on_node_uuid="1" shutdown-lock="1578347951">/);
});

test('without shutdown-lock both resources are recovered elsewhere and no stop carries a lock', () => {
  const { xml, actions } = run('false');
  assert.ok(actions.some((a) => a.startsWith('rsc1_start_0@')), actions.join(' '));
  assert.ok(actions.some((a) => a.startsWith('rsc2_start_0@')), actions.join(' '));
  assert.doesNotMatch(xml, /shutdown-lock=/);
});

test('a lock older than shutdown-lock-limit is dropped: rsc2 starts elsewhere and its history on node2 is deleted in the CIB', () => {
  const { xml, actions } = run('true', '10s');
  assert.ok(actions.some((a) => a.startsWith('rsc2_start_0@')), actions.join(' '));
  assert.match(xml, /<crm_event mode="cib" id="\d+" operation="lrm_delete" operation_key="rsc2_lrm_delete_0" on_node="node2"/);
  // rsc1's lock began with node1's shutdown, just now: still held.
  assert.ok(!actions.some((a) => a.startsWith('rsc1_start_0')), actions.join(' '));
});
