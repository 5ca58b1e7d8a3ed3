// One Session implementation over either onnxruntime package (they share onnxruntime-common's API).
import { isDataType, isEnxutoError, RuntimeError, type DataType, type Dim } from '@enxuto/ir';
import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from './ort-types.js';
import { fromOrtTensor, toOrtTensor } from './tensor-convert.js';
import type { Session, SessionOptions, TensorData, TensorInfo } from '@enxuto/pass';

const OPT_LEVEL = { all: 'all', basic: 'basic', none: 'disabled' } as const;

export function ortSessionOptions(opts: SessionOptions): OrtSessionOptions {
  // Fatal only: ORT's own log lines (warnings about old models, errors of a run that is about to
  // throw) would clutter the CLI's output; every real failure surfaces as a RuntimeError.
  const o: OrtSessionOptions = { graphOptimizationLevel: OPT_LEVEL[opts.optimization ?? 'all'], logSeverityLevel: 4 };
  if (opts.threads !== undefined) o.intraOpNumThreads = opts.threads;
  return o;
}

type Metadata = OrtSession['inputMetadata'][number];

function toInfo(m: Metadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, dtype: undefined, shape: [] };
  const dtype: DataType | undefined = isDataType(m.type) ? m.type : undefined;
  // ORT reports unknown dims as -1 or ''.
  const shape: Dim[] = m.shape.map((d) => (typeof d === 'number' ? (d >= 0 ? d : null) : d === '' ? null : d));
  return { name: m.name, dtype, shape };
}

function wrapOrtError(e: unknown, model: string, what: string, code: string): Error {
  if (isEnxutoError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new RuntimeError(`${what}: ${msg.split('\n')[0]}`, { code, file: model, cause: e });
}

class OrtBackedSession implements Session {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly model: string,
  ) {
    this.inputs = session.inputMetadata.map(toInfo);
    this.outputs = session.outputMetadata.map(toInfo);
  }

  async run(feeds: Record<string, TensorData>, fetches?: string[]): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const info of this.inputs) {
      const t = feeds[info.name];
      if (!t) {
        throw new RuntimeError(`missing input ${info.name}`, {
          code: 'runtime/missing-input',
          file: this.model,
          value: info.name,
        });
      }
      if (info.dtype !== undefined && t.dtype !== info.dtype) {
        throw new RuntimeError(`input ${info.name} is ${info.dtype}, got ${t.dtype}`, {
          code: 'runtime/bad-dtype',
          file: this.model,
          value: info.name,
          field: 'dtype',
        });
      }
      ortFeeds[info.name] = toOrtTensor(this.ort, t, { model: this.model, input: info.name });
    }
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((i) => i.name === name)) {
        throw new RuntimeError(`unknown input ${name} (inputs: ${this.inputs.map((i) => i.name).join(', ')})`, {
          code: 'runtime/unknown-input',
          file: this.model,
          value: name,
        });
      }
    }
    const names = fetches ?? this.outputs.map((o) => o.name);
    for (const name of names) {
      if (!this.outputs.some((o) => o.name === name)) {
        throw new RuntimeError(`unknown output ${name}`, {
          code: 'runtime/unknown-output',
          file: this.model,
          value: name,
        });
      }
    }
    let results: Record<string, OrtTensor>;
    try {
      results = (await this.session.run(ortFeeds, names)) as Record<string, OrtTensor>;
    } catch (e) {
      throw wrapOrtError(e, this.model, 'inference failed', 'runtime/run');
    }
    const out: Record<string, TensorData> = {};
    for (const name of names) out[name] = fromOrtTensor(results[name]!, { model: this.model, output: name });
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export async function createOrtSession(
  ort: OrtModule,
  bytes: Uint8Array,
  options: OrtSessionOptions,
  modelName: string,
): Promise<Session> {
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, options);
  } catch (e) {
    throw wrapOrtError(e, modelName, 'onnxruntime could not load the model', 'runtime/load');
  }
  return new OrtBackedSession(ort, session, modelName);
}
