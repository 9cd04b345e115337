/**
 * Text comparison the way Pacemaker's regression harness does it:
 * `diff --ignore-all-space --ignore-blank-lines`, after rewriting `ocf::` to
 * `ocf:` and Masters/Slaves to Promoted/Unpromoted.
 * @module
 */

/** Normalises text for comparison (whitespace removed per line, blank lines dropped). */
export function normaliseText(s: string): string[] {
  return s
    .replace(/ocf::/g, 'ocf:')
    .replace(/Masters:/g, 'Promoted:')
    .replace(/Slaves:/g, 'Unpromoted:')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ''))
    .filter((l) => l.length > 0);
}

/** True when two texts are equal modulo whitespace and blank lines. */
export function sameText(a: string, b: string): boolean {
  const x = normaliseText(a), y = normaliseText(b);
  return x.length === y.length && x.every((l, i) => l === y[i]);
}

/** Splits a crm_simulate summary into its sections by title line. */
export function splitSections(s: string): Map<string, string> {
  const titles = ['Current cluster status:', 'Transition Summary:', 'Executing Cluster Transition:', 'Revised Cluster Status:'];
  const out = new Map<string, string>();
  let cur = 'preamble';
  let buf: string[] = [];
  for (const line of s.split('\n')) {
    if (titles.includes(line.trim())) {
      out.set(cur, buf.join('\n'));
      cur = line.trim().replace(/:$/, '');
      buf = [];
    } else buf.push(line);
  }
  out.set(cur, buf.join('\n'));
  return out;
}
