// Runs a language model (and optionally its reference) over token windows and measures
// cross-entropy, perplexity, KL, top-1 agreement and top-5 overlap. Browser-safe: the backend is
// handed in. Sessions see the same feeds; only the logits are fetched.
import { AbortedError, ConfigError, type Model } from '@enxuto/ir';
import { lmFeeds, type InferenceBackend, type Session, type TensorData } from '@enxuto/pass';
import { LmAccumulator, type LmMetrics } from './lm-metrics.js';
import type { TokenWindows } from './tokens.js';

export interface EvaluateLmOptions {
  backend: InferenceBackend;
  reference?: Model | Uint8Array;
  /** Windows per inference (default 4). */
  batchSize?: number;
  maxWindows?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface LmEvaluation extends LmMetrics {
  windows: number;
  windowLength: number;
}

function logitsName(session: Session): string {
  const named = session.outputs.find((o) => o.name === 'logits');
  if (named) return named.name;
  const first = session.outputs[0];
  if (!first) throw new ConfigError('the model has no outputs', { code: 'lm/no-logits', field: 'outputs' });
  return first.name;
}

function asFloat32(t: TensorData): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  throw new ConfigError(`logits are ${t.dtype}; language-model metrics read float32 logits`, {
    code: 'lm/logits-dtype',
    field: 'logits',
  });
}

async function logitsOf(session: Session, name: string, feeds: Record<string, TensorData>): Promise<TensorData> {
  const out = await session.run(feeds, [name]);
  return out[name]!;
}

export async function evaluateLm(
  model: Model | Uint8Array,
  tokens: TokenWindows,
  opts: EvaluateLmOptions,
): Promise<LmEvaluation> {
  const total = Math.min(tokens.rows, opts.maxWindows ?? tokens.rows);
  const batch = Math.max(1, Math.min(opts.batchSize ?? 4, total));
  const session = await opts.backend.createSession(model, { name: 'model' });
  let reference: Session | undefined;
  try {
    if (opts.reference) reference = await opts.backend.createSession(opts.reference, { name: 'reference' });
    const name = logitsName(session);
    const refName = reference ? logitsName(reference) : undefined;
    let acc: LmAccumulator | undefined;
    const L = tokens.length;
    for (let r0 = 0; r0 < total; r0 += batch) {
      if (opts.signal?.aborted) throw new AbortedError('evaluation stopped', { code: 'aborted' });
      const rows = Math.min(batch, total - r0);
      const ids = tokens.ids.subarray(r0 * L, (r0 + rows) * L);
      const feeds = lmFeeds(session.inputs, { ids, rows, length: L });
      const logits = await logitsOf(session, name, feeds);
      const vocab = logits.shape.at(-1)!;
      if (logits.shape.length !== 3 || logits.shape[0] !== rows || logits.shape[1] !== L) {
        throw new ConfigError(
          `expected logits [${rows}, ${L}, vocab], got [${logits.shape.join(', ')}]: is this a language model?`,
          { code: 'lm/logits-shape', value: name },
        );
      }
      acc ??= new LmAccumulator(vocab);
      let ref: Float32Array | undefined;
      if (reference) {
        const rl = await logitsOf(reference, refName!, lmFeeds(reference.inputs, { ids, rows, length: L }));
        if (rl.shape.join() !== logits.shape.join()) {
          throw new ConfigError(`reference logits [${rl.shape.join(', ')}] differ from [${logits.shape.join(', ')}]`, {
            code: 'lm/reference-shape',
            field: 'reference',
          });
        }
        ref = asFloat32(rl);
      }
      acc.add(asFloat32(logits), ids, rows, L, ref);
      opts.onProgress?.(r0 + rows, total);
    }
    return { windows: total, windowLength: L, ...acc!.result() };
  } finally {
    await session.release();
    await reference?.release();
  }
}
