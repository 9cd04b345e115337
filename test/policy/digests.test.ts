import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalParams, compareVersions, digestParams, isStonithParam, paramsDigest, restartParams } from '../../src/policy/digests.js';
import { loadCases, runCase } from './cases.js';

test('digests reproduce upstream op-digests', () => {
  // No parameters (any one-off op of a parameterless resource in the regression cases).
  assert.equal(paramsDigest(digestParams({}, {}, 0, 20000)), 'f2317cad3d54cec5d7d7aa7d0bf35cf8');
  // A 20 s recurring monitor of a parameterless resource: only CRM_meta_timeout.
  assert.equal(paramsDigest(digestParams({}, {}, 20000, 20000)), '4811cef7f7f94e3a35a70be7916cb2fd');
  // clone-anon-dup: apache2 with the parameters inherited from its clone.
  const apache = {
    httpd: '/usr/sbin/apache2', options: '-k start', configfile: '/etc/apache2/apache2.conf',
    statusurl: 'http://localhost/server-status/', envfiles: '/etc/apache2/envvars', 'clone-max': '2', 'clone-node-max': '1',
  };
  assert.equal(paramsDigest(digestParams(apache, {}, 0, 20000)), 'a8cca513cbe9739669efd1ab9d1d3077');
  // Without the inherited ones the digest differs (the restart that must not happen).
  const { 'clone-max': _a, 'clone-node-max': _b, ...own } = apache;
  assert.notEqual(paramsDigest(digestParams(own, {}, 0, 20000)), 'a8cca513cbe9739669efd1ab9d1d3077');
});

test('canonical text: sorted names, escaped values, CRM_meta_* dropped', () => {
  assert.equal(canonicalParams({ b: '2', a: 'x"<' }), ' <parameters a="x&quot;&lt;" b="2"/>\n');
  assert.deepEqual(digestParams({ a: '1', CRM_meta_name: 'monitor' }, { b: '2' }, 0, 30000), { a: '1', b: '2' });
  assert.deepEqual(digestParams({ a: '1' }, {}, 10000, 30000), { a: '1', CRM_meta_timeout: '30000' });
  assert.deepEqual(restartParams({ a: '1', b: '2', c: '3' }, ' a  c '), { a: '1', c: '3' });
});

test('helpers: version order and fencing parameters', () => {
  assert.ok(compareVersions('3.0.14', '3.16.0') < 0);
  assert.ok(compareVersions('3.16.1', '3.16.0') > 0);
  assert.ok(isStonithParam('pcmk_host_list'));
  assert.ok(isStonithParam('pcmk_reboot_timeout'));
  assert.ok(!isStonithParam('pcmk_stonith_timeout'));
  assert.ok(!isStonithParam('passwd'));
});

/** Matches reached on the params-digests cases (summary, graph by meaning, scores); a drop is a regression. */
test('params-digests cases: at least the recorded figures', () => {
  const got = [0, 0, 0];
  const passing: string[] = [];
  for (const c of loadCases()) {
    if (c.feature !== 'params-digests') continue;
    const r = runCase(c);
    assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
    got[0] += Number(r.summary); got[1] += Number(r.graph); got[2] += Number(r.scores);
    if (r.summary) passing.push(c.name);
  }
  assert.ok(got[0]! >= 5 && got[1]! >= 8 && got[2]! >= 12, `got ${got.join('/')}`);
  // The restart/recurring-monitor rules specifically.
  for (const n of ['novell-251689', 'restart-with-extra-op-params', 'reload-becomes-restart']) assert.ok(passing.includes(n), n);
});
