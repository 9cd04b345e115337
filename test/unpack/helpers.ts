/** Small CIB builders for unpack tests. */
import assert from 'node:assert/strict';
import { parseCib } from '../../src/cib/parse.js';
import { unpackCluster } from '../../src/cib/unpack/unpack.js';
import type { UnpackedCluster } from '../../src/cib/unpack/types.js';

/** An lrm_rsc_op. `src`/`tgt` give migrate_source / migrate_target. */
export function op(rsc: string, task: string, call: number, rc: number, o: { interval?: number; target?: number; src?: string; tgt?: string; lrc?: number } = {}): string {
  const interval = o.interval ?? 0;
  const target = o.target ?? (task === 'monitor' && interval === 0 ? 7 : 0);
  const key = `1:1:${target}:uuid`;
  const mig = o.src ? ` migrate_source="${o.src}" migrate_target="${o.tgt}"` : '';
  return `<lrm_rsc_op id="${rsc}_${task}_${call}" operation_key="${rsc}_${task}_${interval}" operation="${task}" transition-key="${key}" transition-magic="0:${rc};${key}" call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}" last-rc-change="${o.lrc ?? 1000}"${mig}/>`;
}

/** A whole CIB, unpacked at now=2000. */
export function unpackXml(o: { props?: string; resources: string; states: string; nodes?: string[]; cibAttrs?: string }): UnpackedCluster {
  const nodes = (o.nodes ?? ['n1', 'n2']).map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('');
  const xml = `<cib admin_epoch="0" epoch="1" num_updates="1" have-quorum="1" ${o.cibAttrs ?? ''}><configuration><crm_config><cluster_property_set id="o">${o.props ?? ''}</cluster_property_set></crm_config><nodes>${nodes}</nodes><resources>${o.resources}</resources><constraints/></configuration><status>${o.states}</status></cib>`;
  const r = parseCib(xml);
  assert.ok(r.ok, r.err ? r.val.message : '');
  return unpackCluster(r.val, { now: 2000 });
}

/** A member node_state that is up, with lrm history. */
export const up = (id: number | string, name: string, lrm = '', extra = ''): string =>
  `<node_state id="${id}" uname="${name}" in_ccm="true" crmd="online" join="member" expected="member">${extra}<lrm id="${id}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

/** An lrm_resource. */
export const lrm = (id: string, ops: string, agent = 'class="ocf" provider="heartbeat" type="Dummy"'): string =>
  `<lrm_resource id="${id}" ${agent}>${ops}</lrm_resource>`;

/** A primitive. */
export const prim = (id: string, meta = ''): string =>
  `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${meta}</primitive>`;
