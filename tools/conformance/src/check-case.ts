// One conformance case: read, write (twice, for stability), then run the original and the written
// copy in onnxruntime-node on every data set and compare with the reference outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEnxutoError, UnsupportedError } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import * as ort from 'onnxruntime-node';
import { dataFiles, type ConformanceCase } from './cases.js';
import { compare, ortCarries, toOrt } from './ort-values.js';
import { readTensorFile } from './tensor-file.js';

/** Same statuses as onnxruntime-web-1.30-results.jsonl. */
export type RunStatus = 'pass' | 'fail' | 'mismatch' | 'skip_dtype' | 'skip_nontensor';

/** ok; unsupported (typed 'unsupported: ...'); typed (another typed error); crash (an untyped exception). */
export type StepStatus = 'ok' | 'unsupported' | 'typed' | 'crash';

export interface CaseResult {
  suite: string;
  name: string;
  read: StepStatus;
  write: StepStatus | 'not-run';
  /** write(read(write(read(x)))) byte-identical to write(read(x)); null when writing did not run. */
  stable: boolean | null;
  original: { status: RunStatus; detail: string };
  copy: { status: RunStatus; detail: string } | null;
  detail: string;
}

function stepStatus(e: unknown): StepStatus {
  if (e instanceof UnsupportedError) return 'unsupported';
  return isEnxutoError(e) ? 'typed' : 'crash';
}

function describe(e: unknown): string {
  const msg = isEnxutoError(e) ? e.describe() : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, intraOpNumThreads: 1 };

/**
 * Runs a model on every data set of a case and compares with the reference outputs. `inputFiles`
 * picks the data files that feed the model's inputs, in order (default: all, in order).
 */
export async function runInOrt(
  bytes: Uint8Array,
  c: ConformanceCase,
  inputFiles?: readonly number[],
): Promise<{ status: RunStatus; detail: string }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (e) {
    return { status: 'fail', detail: describe(e) };
  }
  try {
    const meta = [...session.inputMetadata, ...session.outputMetadata];
    if (meta.some((m) => !m.isTensor)) return { status: 'skip_nontensor', detail: '' };
    // onnxruntime-node aborts the process converting some outputs (int4) to JS: never run those.
    const odd = meta.find((m) => m.isTensor && !ortCarries(m.type));
    if (odd) return { status: 'skip_dtype', detail: `${odd.name} dtype ${odd.isTensor ? odd.type : '?'}` };
    for (const ds of c.dataSets) {
      const feeds: Record<string, ort.Tensor> = {};
      const all = dataFiles(ds, 'input');
      const inputs = inputFiles ? inputFiles.map((i) => all[i]!) : all;
      for (let i = 0; i < inputs.length && i < session.inputNames.length; i++) {
        const t = await readTensorFile(new Uint8Array(readFileSync(inputs[i]!)), inputs[i]!);
        if (!ortCarries(t.dtype)) return { status: 'skip_dtype', detail: `input dtype ${t.dtype}` };
        feeds[session.inputNames[i]!] = toOrt(t);
      }
      const expected = dataFiles(ds, 'output');
      const names = session.outputNames.slice(0, expected.length);
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await session.run(feeds, names);
      } catch (e) {
        return { status: 'fail', detail: describe(e) };
      }
      for (let i = 0; i < names.length; i++) {
        const want = await readTensorFile(new Uint8Array(readFileSync(expected[i]!)), expected[i]!);
        if (!ortCarries(want.dtype)) return { status: 'skip_dtype', detail: `output dtype ${want.dtype}` };
        const why = compare(out[names[i]!]!, want, names[i]!);
        if (why) return { status: 'mismatch', detail: why };
      }
    }
    return { status: 'pass', detail: '' };
  } catch (e) {
    return { status: 'fail', detail: describe(e) };
  } finally {
    await session.release();
  }
}

export async function checkCase(c: ConformanceCase): Promise<CaseResult> {
  const file = join(c.dir, 'model.onnx');
  const original = new Uint8Array(readFileSync(file));
  const result: CaseResult = {
    suite: c.suite,
    name: c.name,
    read: 'ok',
    write: 'not-run',
    stable: null,
    original: await runInOrt(original, c),
    copy: null,
    detail: '',
  };
  let model;
  try {
    model = await readOnnx(original, { file });
  } catch (e) {
    return { ...result, read: stepStatus(e), detail: describe(e) };
  }
  let written: Uint8Array;
  try {
    written = writeOnnxBytes(model);
    result.write = 'ok';
  } catch (e) {
    return { ...result, write: stepStatus(e), detail: describe(e) };
  }
  try {
    result.stable = sameBytes(writeOnnxBytes(await readOnnx(written, { file: `${file} (written)` })), written);
  } catch (e) {
    result.stable = false;
    result.detail = `re-reading the written copy: ${describe(e)}`;
  }
  result.copy = await runInOrt(written, c);
  return result;
}
