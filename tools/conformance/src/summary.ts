// Counts and the CONFORMANCE.md section from case results.
import type { CaseResult } from './check-case.js';

export interface WebResult {
  test: string;
  status: string;
}

export interface Summary {
  total: number;
  bySuite: Record<string, number>;
  read: Record<string, number>;
  write: Record<string, number>;
  stable: { yes: number; no: number };
  original: Record<string, number>;
  /** Cases ORT passes on the original: how many pass on the written copy. */
  copyOfPassing: { passing: number; copyPasses: number };
  /** Cases where the copy does better than the original (should stay 0 too: same model). */
  copyOnlyPasses: number;
  /** Written copies with the same ORT outcome (status) as their original, of those written. */
  sameOutcome: { same: number; written: number };
  /** Why onnxruntime-node fails or skips originals: first words of the detail, counted. */
  ortProblems: Record<string, number>;
  violations: { name: string; why: string }[];
}

function bump(r: Record<string, number>, k: string): void {
  r[k] = (r[k] ?? 0) + 1;
}

/** What the issue requires of every case; each broken rule is a violation. */
export function violationsOf(r: CaseResult): string[] {
  const out: string[] = [];
  if (r.read !== 'ok' && r.read !== 'unsupported') out.push(`read failed (${r.read}): ${r.detail}`);
  if (r.write !== 'ok' && r.write !== 'unsupported' && r.write !== 'not-run')
    out.push(`write failed (${r.write}): ${r.detail}`);
  if (r.stable === false) out.push(`writing is not stable ${r.detail}`.trim());
  if (r.original.status === 'pass' && r.read === 'ok' && r.write === 'ok' && r.copy?.status !== 'pass') {
    out.push(`ORT passes the original but not the written copy: ${r.copy?.status} ${r.copy?.detail ?? ''}`.trim());
  }
  return out;
}

/** A short class of an ORT failure: the status plus the stable start of its message. */
export function problemKind(status: string, detail: string): string {
  if (status === 'mismatch') return 'mismatch: onnxruntime-node output differs from the reference';
  if (status === 'skip_nontensor')
    return 'skip_nontensor: sequence/map/optional values (not in the onnxruntime JS API)';
  if (status === 'skip_dtype') return 'skip_dtype: a dtype the onnxruntime JS API cannot carry';
  if (status !== 'fail') return status;
  const d = detail.replace(/^Error: /, '');
  if (/Unsupported data type/i.test(d)) return 'fail: data type unsupported by onnxruntime-node';
  if (/Could not find an implementation|Failed to find kernel/.test(d))
    return 'fail: no CPU kernel for this op/type/opset';
  if (/is not a registered function\/op/.test(d)) return 'fail: op not registered (preview/training domains)';
  if (/ValidateOpsetForDomain|opset/.test(d)) return 'fail: opset newer than onnxruntime supports';
  if (/locale/.test(d)) return 'fail: locale missing on this machine (StringNormalizer)';
  return 'fail: other';
}

export function summarize(results: readonly CaseResult[]): Summary {
  const s: Summary = {
    total: results.length,
    bySuite: {},
    read: {},
    write: {},
    stable: { yes: 0, no: 0 },
    original: {},
    copyOfPassing: { passing: 0, copyPasses: 0 },
    copyOnlyPasses: 0,
    sameOutcome: { same: 0, written: 0 },
    ortProblems: {},
    violations: [],
  };
  for (const r of results) {
    bump(s.bySuite, r.suite);
    bump(s.read, r.read);
    bump(s.write, r.write);
    if (r.stable !== null) s.stable[r.stable ? 'yes' : 'no']++;
    bump(s.original, r.original.status);
    if (r.original.status === 'pass') {
      s.copyOfPassing.passing++;
      if (r.copy?.status === 'pass') s.copyOfPassing.copyPasses++;
    } else if (r.copy?.status === 'pass') s.copyOnlyPasses++;
    if (r.copy) {
      s.sameOutcome.written++;
      if (r.copy.status === r.original.status) s.sameOutcome.same++;
    }
    if (r.original.status !== 'pass') bump(s.ortProblems, problemKind(r.original.status, r.original.detail));
    for (const why of violationsOf(r)) s.violations.push({ name: `${r.suite}/${r.name}`, why });
  }
  return s;
}

/** How onnxruntime-node (ours, on the original files) compares with the shipped ort-web results. */
export function compareWithWeb(
  results: readonly CaseResult[],
  web: readonly WebResult[],
): { both: number; webOnly: number; nodeOnly: number; compared: number } {
  const webPass = new Map(web.map((w) => [w.test, w.status === 'pass']));
  let both = 0,
    webOnly = 0,
    nodeOnly = 0,
    compared = 0;
  for (const r of results) {
    if (r.suite !== 'node' || !webPass.has(r.name)) continue;
    compared++;
    const n = r.original.status === 'pass';
    const w = webPass.get(r.name)!;
    if (n && w) both++;
    else if (w) webOnly++;
    else if (n) nodeOnly++;
  }
  return { both, webOnly, nodeOnly, compared };
}

const fmt = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

export function renderSection(
  s: Summary,
  web: ReturnType<typeof compareWithWeb>,
  meta: { seconds: number; date: string; sample: boolean },
): string {
  const lines = [
    `Generated by \`npm run conformance\` (tools/conformance) on ${meta.date} in ${Math.round(meta.seconds)} s${meta.sample ? ' — SAMPLE RUN, not the full suite' : ''}.`,
    'Each model of `../shared/conformance/onnx-backend` is read into the IR, written back, and both the',
    'original and the written copy run in onnxruntime-node 1.30 on the test inputs; outputs are compared',
    'with the reference outputs (rtol 1e-3, atol 1e-4).',
    '',
    '| what | count |',
    '| --- | --- |',
    `| models | ${s.total} (${fmt(s.bySuite)}) |`,
    `| read | ${fmt(s.read)} |`,
    `| write | ${fmt(s.write)} |`,
    `| writing stable (\`write(read(write(read(x))))\` == \`write(read(x))\`) | ${s.stable.yes} of ${s.stable.yes + s.stable.no} |`,
    `| onnxruntime-node on the original | ${fmt(s.original)} |`,
    `| ... of those passing, the written copy also passes | **${s.copyOfPassing.copyPasses} of ${s.copyOfPassing.passing}** |`,
    `| the written copy passes where the original does not | ${s.copyOnlyPasses} |`,
    `| the written copy has the same outcome as the original (any status) | ${s.sameOutcome.same} of ${s.sameOutcome.written} |`,
    `| node suite vs onnxruntime-web 1.30 results (${web.compared} tests) | both pass ${web.both}, only ort-web ${web.webOnly}, only ort-node ${web.nodeOnly} |`,
    `| **violations** (read/write failure that is not \`unsupported\`, unstable write, copy fails where original passes) | **${s.violations.length}** |`,
  ];
  const problems = Object.entries(s.ortProblems).sort((a, b) => b[1] - a[1]);
  if (problems.length > 0) {
    lines.push(
      '',
      'Why onnxruntime-node does not pass an original (not a problem of enxuto; the copies behave the same):',
      '',
    );
    for (const [k, n] of problems) lines.push(`- ${k}: ${n}`);
  }
  if (s.violations.length > 0) {
    lines.push('', '<details><summary>violations</summary>', '');
    for (const v of s.violations.slice(0, 200)) lines.push(`- \`${v.name}\`: ${v.why.replace(/\|/g, '\\|')}`);
    if (s.violations.length > 200) lines.push(`- ... and ${s.violations.length - 200} more`);
    lines.push('', '</details>');
  }
  return lines.join('\n');
}

export const BEGIN = '<!-- conformance:onnx-backend:begin -->';
export const END = '<!-- conformance:onnx-backend:end -->';

/** Replaces (or appends) the generated section of a markdown file's text. */
export function replaceSection(text: string, section: string, begin = BEGIN, end = END): string {
  const block = `${begin}\n${section}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) return text.slice(0, i) + block + text.slice(j + end.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}
