/**
 * Malformed CIBs: each fixture in test/fixtures/malformed/manifest.json must give its
 * typed error (code + path fragment); generated hostile inputs hit the limits; random
 * corruption never throws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCib, parseCibWithWarnings } from '../../src/cib/parse.js';
import { serialiseCib } from '../../src/cib/serialise.js';
import { isCibError, type CibErrorCode } from '../../src/cib/errors.js';
import { SeededRng } from '../../src/util/rng.js';

const DIR = new URL('../../../test/fixtures/malformed/', import.meta.url);
interface Case { file: string; code: CibErrorCode; path: string; why: string }
const cases = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as Case[];
const base = readFileSync(new URL('valid-base.xml', DIR), 'utf8');
const CODES = new Set<string>([
  'QUORATE_ERR_NOT_XML', 'QUORATE_ERR_BAD_CIB', 'QUORATE_ERR_MISSING_ID', 'QUORATE_ERR_DUPLICATE_ID',
  'QUORATE_ERR_DANGLING_REF', 'QUORATE_ERR_BAD_VALUE', 'QUORATE_ERR_BAD_AGENT', 'QUORATE_ERR_TOO_LARGE',
]);

function expectError(xml: string, code: CibErrorCode, pathFragment: string, label: string): void {
  const r = parseCib(xml);
  assert.ok(r.err, `${label}: expected ${code}, but it parsed`);
  const e = r.val;
  assert.ok(isCibError(e), `${label}: not a CibError`);
  assert.equal(e.code, code, `${label}: ${e.message}`);
  assert.ok(e.path.includes(pathFragment), `${label}: path "${e.path}" lacks "${pathFragment}"`);
  assert.ok(e.message.length > 10, `${label}: message too short`);
}

test('the base the fixtures are made from is valid and round-trips', () => {
  const r = parseCibWithWarnings(base);
  assert.ok(r.ok, r.err ? r.val.message : '');
  assert.deepEqual(r.val.warnings, []);
  const again = parseCib(serialiseCib(r.val.cib));
  assert.ok(again.ok);
  assert.deepEqual(again.val, r.val.cib);
});

test('the manifest has at least 30 malformed CIBs', () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`);
});

for (const c of cases) {
  test(`malformed: ${c.file} (${c.why}) → ${c.code}`, () => {
    const xml = readFileSync(new URL(c.file, DIR), 'latin1');
    expectError(xml, c.code, c.path, c.file);
  });
}

test('an attribute value over the limit is QUORATE_ERR_TOO_LARGE naming the element', () => {
  const xml = base.replace('value="Started"', `value="${'x'.repeat(1024 * 1024 + 1)}"`);
  expectError(xml, 'QUORATE_ERR_TOO_LARGE', 'nvpair[id=rsc1-meta-tr]', 'huge attribute');
});

test('a document over the size limit is refused before parsing', () => {
  const r = parseCib(base, { limits: { maxDocumentChars: 500 } });
  assert.ok(r.err);
  assert.equal(r.val.code, 'QUORATE_ERR_TOO_LARGE');
  const many = base.replace('<status/>', `<status>${'<x/>'.repeat(50)}</status>`);
  const r2 = parseCib(many, { limits: { maxElements: 40 } });
  assert.ok(r2.err);
  assert.equal(r2.val.code, 'QUORATE_ERR_TOO_LARGE');
});

test('very deep nesting (100k levels) is refused without exhausting the stack', () => {
  const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
  expectError(base.replace('<status/>', `<status>${deep}</status>`), 'QUORATE_ERR_TOO_LARGE', '', 'deep');
});

test('mixed content and comments are harmless and round-trip', () => {
  const xml = base.replace('<status/>', '<status><!-- note --><future><![CDATA[a < b]]> text <x/></future></status>');
  const r = parseCib(xml);
  assert.ok(r.ok, r.err ? r.val.message : '');
  assert.equal(r.val.status.other?.[0]?.text, 'a < b text');
  assert.deepEqual(parseCib(serialiseCib(r.val)).unwrap(), r.val);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('non-string input is a typed error, not a throw', () => {
  for (const bad of [undefined, null, 42, {}, Buffer.from('<cib/>')]) {
    const r = parseCib(bad as unknown as string);
    assert.ok(r.err);
    assert.equal(r.val.code, 'QUORATE_ERR_NOT_XML');
  }
});

test('every prefix and random corruptions of a valid CIB give Ok or a typed error, never a throw', () => {
  for (let n = 0; n < base.length; n += 7) {
    const r = parseCib(base.slice(0, n));
    if (r.err) assert.ok(CODES.has(r.val.code), r.val.code);
  }
  const rng = new SeededRng(20261125);
  const alphabet = '<>/="\'&;#x! abcid-ref0123456789\u0000\uFFFF';
  let errors = 0;
  for (let i = 0; i < 400; i++) {
    const chars = [...base];
    const edits = rng.int(1, 5);
    for (let k = 0; k < edits; k++) chars[rng.int(0, chars.length - 1)] = rng.pick([...alphabet]);
    const r = parseCib(chars.join(''));
    if (r.err) {
      errors++;
      assert.ok(CODES.has(r.val.code), r.val.code);
      assert.equal(typeof r.val.path, 'string');
    }
  }
  assert.ok(errors > 0, 'corruption never produced an error');
});
