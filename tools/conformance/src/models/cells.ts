// One model through every cell of the real-model matrix: read, -> ONNX, -> TFLite, -> TF.js,
// quantize-static -> ONNX, -> TFLite int8, -> TF.js. Every written file runs in its own runtime on
// real inputs and is compared with the source run in its own runtime.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel, writeModel } from '@enxuto/formats/node';
import { checkModel, cloneModel, isEnxutoError, tensorType, type Model } from '@enxuto/ir';
import { quantizeStatic, type CalibrationBatch } from '@enxuto/passes-quantize';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { canonicalize } from '@enxuto/transforms';
import { agreement, relativeError } from './compare.js';
import { feedsFor, type Feed } from './inputs.js';
import { judgeTfliteInt8 } from './int8-check.js';
import { runOnnx, runTfjsFolder, runTfliteFile, type Outputs } from './runtimes.js';

export const CELLS = ['read', 'onnx', 'tflite', 'tfjs', 'quantize', 'tflite-int8', 'tfjs-int8'] as const;
export type Cell = (typeof CELLS)[number];

export interface CellResult {
  status: 'pass' | 'fail' | 'refused' | 'error' | 'skipped';
  /** Relative error (float cells), cosine (quantized cells) or the share of the rounding envelope (-> TFLite int8). */
  metric?: number;
  detail?: string;
  seconds: number;
}

export interface ModelSource {
  name: string;
  path: string;
  format: 'onnx' | 'tflite' | 'tfjs';
}

export const FLOAT_TOLERANCE = 1e-4;
export const MIN_COSINE = 0.999;
const EVAL_SAMPLES = [0, 1];
const CALIBRATION_SAMPLES = [10, 11, 12, 13, 14, 15, 16, 17];

function describe(e: unknown): CellResult {
  const message = (e as Error)?.message ?? String(e);
  const refused = isEnxutoError(e) && /unsupported|export|lower|unwritable/.test(e.code ?? '');
  return { status: refused ? 'refused' : 'error', detail: message.split('\n')[0]!.slice(0, 200), seconds: 0 };
}

async function timed(body: () => Promise<Omit<CellResult, 'seconds'>>): Promise<CellResult> {
  const t0 = performance.now();
  let r: Omit<CellResult, 'seconds'>;
  try {
    r = await body();
  } catch (e) {
    r = describe(e);
  }
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

/** Graph inputs that are data (old ONNX files also list their initializers as inputs). */
function dataInputs(m: Model) {
  return m.graph.inputs.filter((v) => v.const === undefined);
}

/** The model with its graph inputs fixed to the shapes of the sample feeds (TFLite needs static shapes). */
function pinned(model: Model, feeds: Feed[]): Model {
  const m = cloneModel(model);
  for (const v of m.graph.inputs) {
    const f = feeds.find((x) => x.name === v.name);
    if (f !== undefined && v.dtype !== undefined) v.type = tensorType(v.dtype, f.shape);
  }
  return m;
}

async function everySample(run: (feeds: Feed[]) => Promise<Outputs> | Outputs, samples: Feed[][]): Promise<Outputs[]> {
  const out: Outputs[] = [];
  for (const s of samples) out.push(await run(s));
  return out;
}

const worstError = (ref: Outputs[], got: Outputs[]) => Math.max(...ref.map((r, i) => relativeError(r, got[i]!)));
const floatCell = (e: number): Omit<CellResult, 'seconds'> => ({
  status: e <= FLOAT_TOLERANCE ? 'pass' : 'fail',
  metric: e,
});

function worstAgreement(ref: Outputs[], got: Outputs[]): Omit<CellResult, 'seconds'> {
  const a = ref.map((r, i) => agreement(r, got[i]!));
  const cosine = Math.min(...a.map((x) => x.cosine));
  const top1 = a.every((x) => x.top1);
  return {
    status: cosine >= MIN_COSINE && top1 ? 'pass' : 'fail',
    metric: cosine,
    ...(top1 ? {} : { detail: 'top-1 differs' }),
  };
}

export async function runModel(
  source: ModelSource,
  onCell: (cell: Cell, r: CellResult) => void,
): Promise<Record<Cell, CellResult>> {
  const dir = mkdtempSync(join(tmpdir(), `enxuto-matrix-${source.name}-`));
  const results = {} as Record<Cell, CellResult>;
  const record = (cell: Cell, r: CellResult) => {
    results[cell] = r;
    onCell(cell, r);
  };
  const skipAll = (from: readonly Cell[], why: string) => {
    for (const c of from) if (results[c] === undefined) record(c, { status: 'skipped', detail: why, seconds: 0 });
  };
  try {
    let model: Model | undefined;
    let asRead: Model | undefined;
    let samples: Feed[][] = [];
    let reference: Outputs[] = [];
    let outputNames: string[] = [];
    record(
      'read',
      await timed(async () => {
        const read = (await readModel(source.path)).model;
        checkModel(read);
        asRead = read;
        samples = EVAL_SAMPLES.map((k) => feedsFor(dataInputs(read), k));
        model = pinned(read, samples[0]!);
        outputNames = model.graph.outputs.map((v) => v.name);
        const names = outputNames;
        // The source, run in its own runtime, is the reference for every float cell.
        if (source.format === 'onnx') reference = await everySample((f) => runOnnx(source.path, f, names), samples);
        else if (source.format === 'tfjs')
          reference = await everySample((f) => runTfjsFolder(source.path, f, names), samples);
        else {
          try {
            reference = await everySample((f) => runTfliteFile(source.path, f), samples);
          } catch (e) {
            // A custom op only the source's own app registers (MediaPipe): fall back to the lowering.
            const onnx = join(dir, 'reference.onnx');
            await writeModel(read, onnx);
            reference = await everySample((f) => runOnnx(onnx, f, names), samples);
            return {
              status: 'pass',
              detail: `reference: lowered ONNX (interpreter: ${(e as Error).message.split('\n')[0]!.slice(0, 80)})`,
            };
          }
        }
        return { status: 'pass' };
      }),
    );
    if (model === undefined || results.read.status !== 'pass') {
      skipAll(CELLS, 'not read');
      return results;
    }
    const m = model;
    const unpinned = asRead!;
    record(
      'onnx',
      await timed(async () => {
        // ONNX keeps the source's dynamic dims: pinned to the sample shapes, onnxruntime's static
        // shape inference also runs the If branch not taken, which fails (silero's 8 kHz branch).
        const file = join(dir, 'model.onnx');
        await writeModel(unpinned, file);
        return floatCell(worstError(reference, await everySample((f) => runOnnx(file, f, outputNames), samples)));
      }),
    );
    record(
      'tflite',
      await timed(async () => {
        const file = join(dir, 'model.tflite');
        await writeModel(m, file, { mode: 'float32' });
        return floatCell(worstError(reference, await everySample((f) => runTfliteFile(file, f), samples)));
      }),
    );
    record(
      'tfjs',
      await timed(async () => {
        const folder = join(dir, 'tfjs');
        await writeModel(m, folder, { format: 'tfjs' });
        return floatCell(
          worstError(
            reference,
            await everySample((f) => runTfjsFolder(join(folder, 'model.json'), f, outputNames), samples),
          ),
        );
      }),
    );
    let quantized: Model | undefined;
    let int8Reference: Outputs[] = [];
    record(
      'quantize',
      await timed(async () => {
        const batches: CalibrationBatch[] = CALIBRATION_SAMPLES.map((k) => ({
          feeds: Object.fromEntries(
            feedsFor(dataInputs(m), k).map((f) => [f.name, { dtype: f.dtype, shape: f.shape, data: f.data }]),
          ),
          samples: 1,
        }));
        // As a pipeline does before quantize-static: constant subgraphs (float16 weights behind
        // Cast, weights behind Transpose) folded, so the quantizer sees constant weights.
        // The model as read, as a pipeline's quantize-static sees it (pinned dims can make
        // onnxruntime reject an If branch not taken); the TFLite int8 cell pins the result.
        const folded = cloneModel(unpinned);
        canonicalize(folded);
        const q = (await quantizeStatic(folded, ortNodeBackend, batches)).model;
        const file = join(dir, 'model.int8.onnx');
        await writeModel(q, file);
        const qdq = q.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').length;
        if (qdq === 0) return { status: 'fail', detail: 'no QuantizeLinear: nothing quantized' };
        // The int8 ONNX model as the ONNX spec defines it (see step 0: fused ORT kernels vary by CPU).
        int8Reference = await everySample((f) => runOnnx(file, f, outputNames, true), samples);
        quantized = q;
        const a = worstAgreement(reference, int8Reference);
        return {
          status: 'pass',
          metric: a.metric!,
          detail: `${qdq} QuantizeLinear; vs float source: cosine ${a.metric!.toFixed(4)}${a.detail ? ', top-1 differs' : ''}`,
        };
      }),
    );
    if (quantized === undefined) {
      skipAll(['tflite-int8', 'tfjs-int8'], 'not quantized');
      return results;
    }
    const q = quantized;
    const qPinned = pinned(q, samples[0]!);
    record(
      'tflite-int8',
      await timed(async () => {
        const file = join(dir, 'model.int8.tflite');
        await writeModel(qPinned, file);
        const v = await judgeTfliteInt8(file, q, samples, int8Reference, outputNames, dir);
        return { status: v.pass ? 'pass' : 'fail', metric: v.metric, detail: v.detail };
      }),
    );
    record(
      'tfjs-int8',
      await timed(async () => {
        const folder = join(dir, 'tfjs-int8');
        await writeModel(q, folder, { format: 'tfjs' });
        return worstAgreement(
          int8Reference,
          await everySample((f) => runTfjsFolder(join(folder, 'model.json'), f, outputNames), samples),
        );
      }),
    );
    return results;
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
