/**
 * Round trip over Pacemaker 2.1.5's scheduler regression CIBs: every one parses with
 * no error, serialises, and re-parses to a deep-equal model; serialising is stable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCib, parseCibWithWarnings } from '../../src/cib/parse.js';
import { serialiseCib } from '../../src/cib/serialise.js';
import { CASES_DIR } from '../../scripts/paths.js';

const CORPUS = `${CASES_DIR}/xml`;
const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter(f => f.endsWith('.xml')).sort() : [];

test('all scheduler regression CIBs parse, serialise and re-parse to an equal model', { skip: files.length === 0 ? `no corpus at ${CORPUS}` : false }, () => {
  assert.equal(files.length, 603);
  const failures: string[] = [];
  for (const f of files) {
    const first = parseCibWithWarnings(readFileSync(join(CORPUS, f), 'utf8'));
    if (first.err) { failures.push(`${f}: parse: ${first.val.code} ${first.val.message}`); continue; }
    const xml = serialiseCib(first.val.cib);
    const second = parseCib(xml);
    if (second.err) { failures.push(`${f}: re-parse: ${second.val.code} ${second.val.message}`); continue; }
    try {
      assert.deepStrictEqual(second.val, first.val.cib);
    } catch (e) {
      failures.push(`${f}: models differ: ${(e as Error).message.slice(0, 400)}`);
      continue;
    }
    if (serialiseCib(second.val) !== xml) failures.push(`${f}: serialising is not stable`);
  }
  assert.deepEqual(failures, [], `${failures.length} of ${files.length} failed:\n${failures.join('\n')}`);
});

test('corpus warnings are the known tolerated problems only', { skip: files.length === 0 }, () => {
  const seen: string[] = [];
  for (const f of ['colocation-influence.xml', 'order-wrong-kind.xml', 'intervals.xml', 'failcount-block.xml']) {
    const r = parseCibWithWarnings(readFileSync(join(CORPUS, f), 'utf8'));
    assert.ok(r.ok);
    for (const w of r.val.warnings) seen.push(`${f}: ${w.code} ${w.path}`);
  }
  assert.deepEqual(seen, [
    'colocation-influence.xml: QUORATE_WARN_IGNORED rsc_colocation[id=colocation-rsc1a-rsc1b-INFINITY]',
    'order-wrong-kind.xml: QUORATE_WARN_VALIDATION_DISABLED ',  // validate-with="none" (Pacemaker's schema notice)
    'order-wrong-kind.xml: QUORATE_WARN_IGNORED rsc_order[id=order1]',
    'intervals.xml: QUORATE_WARN_IGNORED op[id=rsc6-monitor-interval-28s]',
    'failcount-block.xml: QUORATE_WARN_IGNORED /cib/status/node_state[2]',
  ]);
});
