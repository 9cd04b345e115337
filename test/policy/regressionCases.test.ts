/**
 * Scheduler behaviours of the "regressions" cases: fail counts cleared by the
 * scheduler (expired failures, changed operation definitions), probes on nodes
 * shutting down, and the per-case matches these rules give.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster } from '../../src/cib/unpack/unpack.js';
import { scheduleUnpacked } from '../../src/policy/schedule.js';
import { loadCases, runCase } from './cases.js';

const NOW = 1_700_000_000;

function cib(opts: { rscMeta?: string; ops: string; history: string; attrs?: string; nodeState?: string; extraNode?: string }): string {
  return `<cib validate-with="pacemaker-3.0" crm_feature_set="3.0.6" epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" dc-uuid="n1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/>${opts.extraNode ? '<node id="n2" uname="n2"/>' : ''}</nodes>
    <resources>
      <primitive id="A" class="ocf" provider="pacemaker" type="Dummy">
        ${opts.rscMeta ?? ''}
        <operations>${opts.ops}</operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"${opts.nodeState ?? ''}>
      <transient_attributes id="n1"><instance_attributes id="s1">${opts.attrs ?? ''}</instance_attributes></transient_attributes>
      <lrm id="n1"><lrm_resources><lrm_resource id="A" class="ocf" provider="pacemaker" type="Dummy">${opts.history}</lrm_resource></lrm_resources></lrm>
    </node_state>
    ${opts.extraNode ?? ''}
  </status>
</cib>`;
}

/** A history entry; its digest is that of a parameterless Dummy (so no definition change). */
function op(id: string, task: string, interval: number, call: number, rc: number, changed: number): string {
  const digest = interval === 0 ? 'f2317cad3d54cec5d7d7aa7d0bf35cf8' : '4811cef7f7f94e3a35a70be7916cb2fd';
  return `<lrm_rsc_op id="${id}" operation_key="A_${task}_${interval}" operation="${task}" transition-key="1:1:0:x" transition-magic="0:${rc};1:1:0:x" call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}" last-rc-change="${changed}" last-run="${changed}" op-digest="${digest}"/>`;
}

function graphKeys(xml: string): string[] {
  const parsed = parseCib(xml);
  assert.ok(parsed.ok, 'test CIB parses');
  const res = scheduleUnpacked(unpackCluster(parsed.val, { now: NOW }));
  return res.graph.actions.map((a) => `${a.operation}:${a.key}@${a.node?.name ?? ''}`).sort();
}

const FAILED_MONITOR = op('A_last_0', 'start', 0, 5, 0, 100) + op('A_monitor_10000', 'monitor', 10000, 6, 1, 200);
const FAILCOUNT = '<nvpair id="f1" name="fail-count-A" value="1"/><nvpair id="f2" name="last-failure-A" value="200"/>';

test('an expired failure clears the fail count and issues the failed monitor again', () => {
  const keys = graphKeys(cib({
    rscMeta: '<meta_attributes id="m"><nvpair id="m1" name="failure-timeout" value="60"/></meta_attributes>',
    ops: '<op id="A-mon" name="monitor" interval="10s"/>', history: FAILED_MONITOR, attrs: FAILCOUNT,
  }));
  assert.deepEqual(keys, ['clear_failcount:A_clear_failcount_0@n1', 'monitor:A_monitor_10000@n1']);
});

test('a failure that is not expired is recovered, without clearing the fail count', () => {
  const keys = graphKeys(cib({
    rscMeta: `<meta_attributes id="m"><nvpair id="m1" name="failure-timeout" value="${2 * NOW}"/></meta_attributes>`,
    ops: '<op id="A-mon" name="monitor" interval="10s"/>', history: FAILED_MONITOR, attrs: FAILCOUNT,
  }));
  assert.ok(!keys.some((k) => k.startsWith('clear_failcount')), keys.join(' '));
  assert.ok(keys.includes('stop:A_stop_0@n1') && keys.includes('start:A_start_0@n1'), keys.join(' '));
});

test('a failure that blocked the resource never expires: nothing is cleared', () => {
  const keys = graphKeys(cib({
    rscMeta: '<meta_attributes id="m"><nvpair id="m1" name="failure-timeout" value="60"/></meta_attributes>',
    ops: '<op id="A-mon" name="monitor" interval="10s" on-fail="block"/>', history: FAILED_MONITOR, attrs: FAILCOUNT,
  }));
  assert.ok(!keys.some((k) => k.startsWith('clear_failcount')), keys.join(' '));
});

test('a recurring op no longer configured is cancelled and the fail count cleared', () => {
  const keys = graphKeys(cib({
    ops: '<op id="A-mon" name="monitor" interval="10s" enabled="false" on-fail="ignore"/>',
    history: op('A_last_0', 'start', 0, 5, 0, 100) + op('A_monitor_10000', 'monitor', 10000, 6, 0, 100) + op('A_last_failure_0', 'monitor', 10000, 6, 7, 200),
    attrs: FAILCOUNT,
  }));
  assert.deepEqual(keys, ['cancel:A_monitor_10000@n1', 'clear_failcount:A_clear_failcount_0@n1']);
  // Without a fail count, only the cancel.
  const noFc = graphKeys(cib({
    ops: '<op id="A-mon" name="monitor" interval="10s" enabled="false"/>',
    history: op('A_last_0', 'start', 0, 5, 0, 100) + op('A_monitor_10000', 'monitor', 10000, 6, 0, 100),
  }));
  assert.deepEqual(noFc, ['cancel:A_monitor_10000@n1']);
});

test('a resource in maintenance has its active recurring monitor cancelled, and nothing else', () => {
  const keys = graphKeys(cib({
    rscMeta: '<meta_attributes id="m"><nvpair id="m1" name="maintenance" value="true"/></meta_attributes>',
    ops: '<op id="A-mon" name="monitor" interval="10s"/>',
    history: op('A_last_0', 'start', 0, 5, 0, 100) + op('A_monitor_10000', 'monitor', 10000, 6, 0, 100),
  }));
  assert.deepEqual(keys, ['cancel:A_monitor_10000@n1']);
});

test('a node shutting down is still probed', () => {
  const keys = graphKeys(cib({
    ops: '', history: op('A_last_0', 'start', 0, 5, 0, 100), extraNode:
      '<node_state id="n2" uname="n2" in_ccm="true" crmd="online" join="member" expected="down" shutdown="1000"><transient_attributes id="n2"><instance_attributes id="s2"><nvpair id="sd" name="shutdown" value="1000"/></instance_attributes></transient_attributes></node_state>',
  }));
  assert.ok(keys.includes('monitor:A_monitor_0@n2'), keys.join(' '));
  assert.ok(keys.includes('do_shutdown:do_shutdown-n2@n2'), keys.join(' '));
});

test('regression cases these rules fix match Pacemaker (summary and graph)', () => {
  const names = new Set(['662', 'bug-5025-1', 'bug-5069-op-disabled', 'failcount', 'failcount-block', 'stopped-monitor-08', 'stopped-monitor-22', 'stopped-monitor-25', 'node-maintenance-1', '726']);
  const rows = loadCases().filter((c) => names.has(c.name));
  assert.equal(rows.length, names.size);
  for (const c of rows) {
    const r = runCase(c);
    assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
    assert.ok(r.summary, `${c.name}: summary`);
    assert.ok(r.graph, `${c.name}: graph ${JSON.stringify(r.diff)}`);
  }
});
