// Greedy generation with a decoder's KV cache (Hugging Face / optimum exports: past_key_values.*
// in, present.* out), timed: how many tokens per second a model makes on this device. The prompt
// is read in one run with empty caches; then one token per run, each run given the caches the
// previous one returned.
import { ConfigError } from '@enxuto/ir';
import { lmFeeds, type Session, type TensorData, type TensorInfo } from '@enxuto/pass';

export interface Generation {
  /** The new token ids, greedy (the most likely token at each step). */
  ids: number[];
  /** Time to read the prompt and give the first new token (ms). */
  firstTokenMs: number;
  /** New tokens per second after the first (the decoding speed). */
  tokensPerSecond: number;
}

const PAST = /^(past_key_values|past)\.(.+)$/;

/** True when the session takes a KV cache (past_key_values.* or past.* inputs). */
export function takesKvCache(inputs: readonly TensorInfo[]): boolean {
  return inputs.some((i) => PAST.test(i.name));
}

/** The output that returns each cache input's next value (present.<same suffix>). */
function presentOf(session: Session): Map<string, string> {
  const map = new Map<string, string>();
  for (const i of session.inputs) {
    const m = PAST.exec(i.name);
    if (!m) continue;
    const out = session.outputs.find((o) => o.name === `present.${m[2]}` || o.name === `present_key_values.${m[2]}`);
    if (!out) {
      throw new ConfigError(`no output present.${m[2]} for the cache input ${i.name}`, {
        code: 'runtime/lm-cache',
        value: i.name,
      });
    }
    map.set(i.name, out.name);
  }
  return map;
}

function argmaxLast(logits: TensorData): number {
  const vocab = logits.shape.at(-1)!;
  const data = logits.data as Float32Array;
  const base = data.length - vocab;
  let best = 0;
  for (let v = 1; v < vocab; v++) if (data[base + v]! > data[base + best]!) best = v;
  return best;
}

/** An integer tensor like `like` (int64 or int32) with `values`. */
function ints(like: TensorData, shape: number[], values: number[]): TensorData {
  const data = like.data instanceof BigInt64Array ? BigInt64Array.from(values, BigInt) : Int32Array.from(values);
  return { dtype: like.dtype, shape, data };
}

/** `newTokens` tokens after `prompt` (batch of one), greedy, with the model's KV cache. */
export async function generateGreedy(
  session: Session,
  prompt: readonly number[],
  newTokens: number,
  now: () => number = () => performance.now(),
): Promise<Generation> {
  const presents = presentOf(session);
  if (presents.size === 0) {
    throw new ConfigError('the model takes no KV cache (past_key_values.* inputs): not a decoder to generate with', {
      code: 'runtime/lm-cache',
      field: 'inputs',
    });
  }
  const logitsName = session.outputs.find((o) => o.name === 'logits')?.name ?? session.outputs[0]!.name;
  const ids: number[] = [];
  let feeds = lmFeeds(session.inputs, { ids: prompt, rows: 1, length: prompt.length });
  const t0 = now();
  let t1 = t0;
  for (let step = 0; step < newTokens; step++) {
    const out = await session.run(feeds);
    const token = argmaxLast(out[logitsName]!);
    ids.push(token);
    if (step === 0) t1 = now();
    const total = prompt.length + step + 1;
    const next: Record<string, TensorData> = {};
    for (const [name, f] of Object.entries(feeds)) {
      if (presents.has(name)) next[name] = out[presents.get(name)!]!;
      else if (/input_ids$/.test(name)) next[name] = ints(f, [1, 1], [token]);
      else if (/attention_mask$/.test(name)) next[name] = ints(f, [1, total], new Array<number>(total).fill(1));
      else if (/position_ids$/.test(name)) next[name] = ints(f, [1, 1], [total - 1]);
      else if (/token_type_ids$/.test(name)) next[name] = ints(f, [1, 1], [0]);
      else if (name === 'use_cache_branch') next[name] = { dtype: 'bool', shape: [1], data: Uint8Array.of(1) };
      else next[name] = f;
    }
    feeds = next;
  }
  const t2 = now();
  return {
    ids,
    firstTokenMs: t1 - t0,
    tokensPerSecond: newTokens > 1 && t2 > t1 ? ((newTokens - 1) * 1000) / (t2 - t1) : 0,
  };
}
