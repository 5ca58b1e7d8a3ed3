// The -> TFLite int8 criterion. An integer runtime cannot match the int8 ONNX model bit for bit:
// QDQ rounds the exact real value at every QuantizeLinear, TFLite's kernels requantize in fixed
// point (a 31-bit multiplier and rounding shift, lookup tables for logistic/hard-swish), so any
// quantized tensor may land one step away, and such steps compound with depth. The cell therefore
// asks two separate questions:
// 1. Is the file the model? The .tflite read back into the IR and run exactly (float between Q/DQ,
//    as the int8 ONNX model) must agree with the int8 ONNX model to cosine >= READ_BACK_COSINE.
//    Same arithmetic on both sides: only float ties may differ, so any changed scale, zero point,
//    layout or op (one extra rounding in one layer) shows.
// 2. Does the interpreter compute it within integer rounding? Its outputs must be no further from
//    the int8 ONNX model (mean |difference| per output) than a rounding twin: the same QDQ model
//    in which every activation QuantizeLinear rounds after a seeded random shift of under half a
//    step, i.e. every quantized tensor allowed one step off, the envelope fixed-point kernels promise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModel, writeModel } from '@enxuto/formats/node';
import { attr, cloneModel, isEnxutoError, scalarTensor, type Model } from '@enxuto/ir';
import { builtinOperatorName, parseTflite } from '@enxuto/tflite';
import { agreement } from './compare.js';
import type { Feed } from './inputs.js';
import { runOnnx, runTfliteFile, type Outputs } from './runtimes.js';

export const READ_BACK_COSINE = 0.9999;
/** Two twins (different seeds): the envelope is their mean, less noisy on small outputs. */
export const TWIN_SEEDS = [1, 2];

/** `q` with a uniform shift in (-scale/2, scale/2) added before each per-tensor activation Q. */
export function roundingTwin(q: Model, seed: number): Model {
  const m = cloneModel(q);
  const g = m.graph;
  const half = g.addInitializer(g.uniqueName('twin_half'), scalarTensor('float32', 0.5));
  let k = 0;
  for (const n of [...g.nodes]) {
    if (n.opType !== 'QuantizeLinear' || n.domain !== '') continue;
    const x = n.input(0);
    const scale = n.input(1);
    if (x === null || x.const !== undefined || scale === null || scale.const?.size !== 1) continue;
    const u = g
      .insertBefore(n, {
        opType: 'RandomUniformLike',
        inputs: [x],
        outputs: [g.uniqueName(`${x.name}_twin_u`)],
        attributes: {
          dtype: attr.int(1),
          low: attr.float(0),
          high: attr.float(1),
          seed: attr.float(seed * 7919 + k++),
        },
      })
      .output();
    const centred = g.insertBefore(n, { opType: 'Sub', inputs: [u, half], outputs: [g.uniqueName('twin_c')] });
    const shift = g.insertBefore(n, {
      opType: 'Mul',
      inputs: [centred.output(), scale],
      outputs: [g.uniqueName('twin_s')],
    });
    const shifted = g.insertBefore(n, {
      opType: 'Add',
      inputs: [x, shift.output()],
      outputs: [g.uniqueName(`${x.name}_twin`)],
    });
    g.setInput(n, 0, shifted.output());
  }
  return m;
}

/** Mean |a - b| of each output over the samples. */
export function meanAbsDiff(ref: Outputs[], got: Outputs[]): number[] {
  return ref[0]!.map((_, k) => {
    let sum = 0;
    let n = 0;
    ref.forEach((r, s) => {
      const a = r[k]!;
      const b = got[s]![k]!;
      if (a.length !== b.length) sum = Infinity;
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
      n += a.length;
    });
    return n === 0 ? 0 : sum / n;
  });
}

/**
 * The worst output's mean |difference| to `ref` as a fraction of the twins' (<= 1: within integer
 * rounding). A twin difference of 0 (an output no quantized tensor reaches) allows float noise.
 */
export function envelopeRatio(ref: Outputs[], got: Outputs[], twins: Outputs[][]): number {
  const own = meanAbsDiff(ref, got);
  const allowed = own.map((_, k) => {
    const twin = twins.reduce((s, t) => s + meanAbsDiff(ref, t)[k]!, 0) / twins.length;
    let peak = 0;
    for (const r of ref) for (const v of r[k]!) peak = Math.max(peak, Math.abs(v));
    return Math.max(twin, 1e-6 * peak, Number.MIN_VALUE);
  });
  return Math.max(...own.map((d, k) => d / allowed[k]!));
}

/** Compute ops of a .tflite file that run on int8/int16 inputs (integer kernels). */
export function integerKernels(file: string): number {
  const m = parseTflite(new Uint8Array(readFileSync(file)));
  let count = 0;
  for (const sg of m.subgraphs ?? []) {
    for (const op of sg.operators ?? []) {
      const oc = m.operator_codes![op.opcode_index]!;
      const name = builtinOperatorName(Math.max(oc.builtin_code, oc.deprecated_builtin_code)) ?? '';
      const x = sg.tensors![op.inputs![0] ?? -1];
      if (/CONV_2D|FULLY_CONNECTED|BATCH_MATMUL/.test(name) && x !== undefined && (x.type === 9 || x.type === 7))
        count++;
    }
  }
  return count;
}

export interface Int8Verdict {
  pass: boolean;
  /** The envelope ratio (<= 1 passes). */
  metric: number;
  detail: string;
}

const worstCosine = (ref: Outputs[], got: Outputs[]) => Math.min(...ref.map((r, i) => agreement(r, got[i]!).cosine));

/**
 * Judges the int8 .tflite `file` written from the QDQ model `q` against
 * `int8Reference`, the int8 ONNX model's outputs on `samples` run exactly. `dir` takes scratch files.
 */
export async function judgeTfliteInt8(
  file: string,
  q: Model,
  samples: Feed[][],
  int8Reference: Outputs[],
  outputNames: string[],
  dir: string,
): Promise<Int8Verdict> {
  const every = async (run: (f: Feed[]) => Promise<Outputs> | Outputs) => {
    const out: Outputs[] = [];
    for (const s of samples) out.push(await run(s));
    return out;
  };
  const got = await every((f) => runTfliteFile(file, f));
  const kernels = integerKernels(file);
  const notes = [`${kernels} integer kernels`];
  let pass = kernels > 0;
  if (kernels === 0) notes.push('no integer kernels (silently dequantized)');
  try {
    const back = join(dir, 'model.int8.back.onnx');
    await writeModel((await readModel(file)).model, back);
    const c = worstCosine(int8Reference, await every((f) => runOnnx(back, f, outputNames, true)));
    notes.push(`file read back: ${c.toFixed(4)}${c < READ_BACK_COSINE ? ` < ${READ_BACK_COSINE}` : ''}`);
    pass &&= c >= READ_BACK_COSINE;
  } catch (e) {
    const message = (e as Error)?.message?.split('\n')[0]?.slice(0, 100) ?? String(e);
    notes.push(`file not read back (${isEnxutoError(e) ? `${e.code}: ` : ''}${message})`);
    pass = false;
  }
  const twins: Outputs[][] = [];
  for (const seed of TWIN_SEEDS) {
    const twinFile = join(dir, `model.int8.twin${seed}.onnx`);
    await writeModel(roundingTwin(q, seed), twinFile);
    twins.push(await every((f) => runOnnx(twinFile, f, outputNames, true)));
  }
  const ratio = envelopeRatio(int8Reference, got, twins);
  pass &&= ratio <= 1;
  notes.push(
    `interpreter: ${ratio.toFixed(2)} of the rounding envelope, cosine ${worstCosine(int8Reference, got).toFixed(4)} (twin ${Math.min(...twins.map((t) => worstCosine(int8Reference, t))).toFixed(4)})`,
  );
  return { pass, metric: ratio, detail: notes.join('; ') };
}
