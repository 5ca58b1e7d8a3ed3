// `enxuto variants`: a Hugging Face model folder in, a complete folder out with the dtype
// variants Transformers.js loads (onnx/model_q4.onnx, ...), everything else copied unchanged.
// The folder is built under a temporary name beside `out` and renamed into place at the end, so
// a failed run leaves nothing at `out`.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { atomicWrite } from '@enxuto/io/node';
import { ConfigError, LazyTensor, type Model } from '@enxuto/ir';
import { readOnnxFile, SpillFile, writeOnnxFile } from '@enxuto/onnx/node';
import { withExternalData } from '../config-entries.js';
import { checkDtypes, DEFAULT_DTYPES, variantFileName, type Dtype } from '../dtypes.js';
import { makeVariant, type RecipeOptions } from '../recipes.js';
import { readHfFolder } from './hf-folder.js';
import { lmFeeds } from '@enxuto/runtime';
import type { TokenWindows } from '@enxuto/pipeline';
import type { InferenceBackend } from '@enxuto/pass';
import type { CalibrationBatch } from '@enxuto/passes-quantize';

export interface VariantsOptions extends Partial<Omit<RecipeOptions, 'calibration'>> {
  dtypes?: readonly Dtype[];
  /** Token windows GPTQ / AWQ calibrate on, and the runtime to run the model pieces in. */
  calibration?: { tokens: TokenWindows; backend: InferenceBackend; batchSize?: number };
  onVariant?: (v: VariantReport) => void;
}

export interface VariantReport {
  model: string;
  dtype: Dtype;
  file: string;
  /** Model file plus its external data. */
  bytes: number;
  /** bytes / the float model's bytes. */
  ratio: number;
  seconds: number;
}

/** Above this a variant is written with external data (protobuf's limit is 2 GiB). */
const EXTERNAL_ABOVE = 1 << 30;
const MAX_CONFIG_BYTES = 16 << 20;

function readJson(path: string): unknown {
  if (statSync(path).size > MAX_CONFIG_BYTES) {
    throw new ConfigError('file too large for a config', { code: 'hf/too-large', file: path });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`not valid JSON: ${(cause as Error).message}`, { code: 'hf/bad-json', file: path, cause });
  }
}

function usesExternalData(model: Model): boolean {
  return model.graph.initializers().some((v) => v.const instanceof LazyTensor && v.const.source !== undefined);
}

function fileBytes(dir: string, file: string): number {
  let n = statSync(join(dir, file)).size;
  if (existsSync(join(dir, `${file}_data`))) n += statSync(join(dir, `${file}_data`)).size;
  return n;
}

/** Bytes of a model file and the external data files beside it that its name starts. */
function sourceBytes(onnxDir: string, base: string): number {
  return readdirSync(onnxDir)
    .filter((f) => f === `${base}.onnx` || f.startsWith(`${base}.onnx_data`) || f.startsWith(`${base}.onnx.data`))
    .reduce((s, f) => s + statSync(join(onnxDir, f)).size, 0);
}

function prepareOut(out: string, src: string): string {
  const abs = resolve(out);
  if (abs === resolve(src) || abs.startsWith(`${resolve(src)}/`)) {
    throw new ConfigError('the output folder must not be the input folder or inside it', {
      code: 'hf/out-in-input',
      file: out,
      field: '--out',
    });
  }
  if (existsSync(abs) && (!lstatSync(abs).isDirectory() || readdirSync(abs).length > 0)) {
    throw new ConfigError('the output folder exists and is not empty', {
      code: 'hf/out-exists',
      file: out,
      field: '--out',
    });
  }
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  mkdirSync(join(tmp, 'onnx'), { recursive: true });
  return tmp;
}

/** A copy with ordinary permissions (a read-only source must not give a read-only output). */
function copyPlain(from: string, to: string): void {
  copyFileSync(from, to);
  chmodSync(to, 0o644);
}

/** Calibration feeds of a language model from token windows. */
function tokenBatches(model: Model, tokens: TokenWindows, batchSize: number): CalibrationBatch[] {
  const infos = model.graph.inputs
    .filter((v) => !v.isInitializer())
    .map((v) => ({ name: v.name, dtype: v.dtype, shape: [...(v.shape ?? [])] }));
  const out: CalibrationBatch[] = [];
  for (let r = 0; r < tokens.rows; r += batchSize) {
    const rows = Math.min(batchSize, tokens.rows - r);
    const ids = tokens.ids.subarray(r * tokens.length, (r + rows) * tokens.length);
    out.push({ feeds: lmFeeds(infos, { ids, rows, length: tokens.length }), samples: rows });
  }
  return out;
}

export async function writeVariants(src: string, out: string, opts: VariantsOptions = {}): Promise<VariantReport[]> {
  const dtypes = checkDtypes(opts.dtypes ?? DEFAULT_DTYPES);
  const folder = readHfFolder(src, readJson);
  const tmp = prepareOut(out, src);
  const reports: VariantReport[] = [];
  try {
    const written = new Set(folder.models.flatMap((b) => dtypes.map((d) => variantFileName(b, d))));
    const onnxSrc = join(src, 'onnx');
    // Float models, their data and other files of onnx/ as they are (unless a variant replaces them).
    for (const f of readdirSync(onnxSrc)) {
      const from = join(onnxSrc, f);
      if (!lstatSync(from).isFile() || [...written].some((w) => f === w || f.startsWith(`${w}_data`))) continue;
      copyPlain(from, join(tmp, 'onnx', f));
    }
    const external: string[] = [];
    for (const base of folder.models) {
      const model = readOnnxFile(join(onnxSrc, `${base}.onnx`));
      const floatBytes = sourceBytes(onnxSrc, base);
      const ext = usesExternalData(model) || floatBytes > EXTERNAL_ABOVE;
      const calibration = opts.calibration
        ? {
            batches: tokenBatches(model, opts.calibration.tokens, opts.calibration.batchSize ?? 8),
            backend: opts.calibration.backend,
          }
        : undefined;
      for (const dtype of dtypes) {
        const t0 = performance.now();
        const file = variantFileName(base, dtype);
        const { calibration: _tokens, dtypes: _dtypes, onVariant: _cb, ...recipe } = opts;
        // A model with external data is streamed: a fresh lazy copy per variant is changed in
        // place and new weights go to a scratch file, so memory holds about one layer.
        const stream = ext ? new SpillFile(join(tmp, 'onnx')) : undefined;
        try {
          const source = stream ? readOnnxFile(join(onnxSrc, `${base}.onnx`)) : model;
          const v = await makeVariant(source, dtype, {
            ...recipe,
            ...(calibration ? { calibration } : {}),
            ...(stream ? { streaming: { store: (t) => stream.spill(t) } } : {}),
          });
          writeOnnxFile(v, join(tmp, 'onnx', file), ext ? { externalData: { location: `${file}_data` } } : {});
        } finally {
          stream?.dispose();
        }
        if (ext && existsSync(join(tmp, 'onnx', `${file}_data`))) external.push(file);
        const bytes = fileBytes(join(tmp, 'onnx'), file);
        const r = {
          model: base,
          dtype,
          file,
          bytes,
          ratio: bytes / floatBytes,
          seconds: (performance.now() - t0) / 1000,
        };
        reports.push(r);
        opts.onVariant?.(r);
      }
    }
    for (const f of folder.files) {
      if (f === 'config.json' && external.length > 0) continue;
      copyPlain(join(src, f), join(tmp, f));
    }
    if (external.length > 0) {
      const config = withExternalData(folder.config, external);
      atomicWrite(join(tmp, 'config.json'), new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`));
    }
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(tmp, resolve(out));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return reports;
}
