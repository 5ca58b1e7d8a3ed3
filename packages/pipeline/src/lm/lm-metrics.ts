// Quality of a language model on token windows: cross-entropy of the next token (perplexity),
// and against a reference model (usually the float original) the KL divergence of the
// next-token distributions, how often the top token agrees and how much the top-5 sets overlap.
// Pure: logits arrive as [rows, length, vocab] row-major blocks.

export interface LmMetrics {
  /** Predicted tokens (every position but the last of each window). */
  tokens: number;
  /** Mean negative log-likelihood of the next token, nats. */
  crossEntropy: number;
  perplexity: number;
  /** Mean KL(reference || model) of the next-token distributions, nats. */
  kl?: number;
  /** Share of positions whose most likely next token is the reference's. */
  top1Agreement?: number;
  /** Mean |top-5(model) ∩ top-5(reference)| / 5. */
  top5Overlap?: number;
}

const TOP_K = 5;

/** log-softmax of row `r` (length v) of `x` into `out`. */
function logSoftmax(x: ArrayLike<number>, base: number, v: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < v; i++) if (x[base + i]! > max) max = x[base + i]!;
  let sum = 0;
  for (let i = 0; i < v; i++) sum += Math.exp(x[base + i]! - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < v; i++) out[i] = x[base + i]! - lse;
}

/** Indices of the k largest values (ties: lower index first). */
export function topK(x: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (best.length < k || x[i]! > x[best[best.length - 1]!]!) {
      let j = best.length < k ? best.length : k - 1;
      best[j] = i;
      while (j > 0 && x[best[j]!]! > x[best[j - 1]!]!) {
        [best[j - 1], best[j]] = [best[j]!, best[j - 1]!];
        j--;
      }
    }
  }
  return best;
}

export class LmAccumulator {
  private nll = 0;
  private count = 0;
  private klSum = 0;
  private same = 0;
  private overlap = 0;
  private compared = 0;

  constructor(readonly vocab: number) {}

  /** Adds one batch: logits [rows, length, vocab] for ids [rows, length], optionally the reference's. */
  add(
    logits: ArrayLike<number>,
    ids: ArrayLike<number>,
    rows: number,
    length: number,
    reference?: ArrayLike<number>,
  ): void {
    const v = this.vocab;
    const lp = new Float64Array(v);
    const lq = new Float64Array(v);
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t + 1 < length; t++) {
        const base = (r * length + t) * v;
        logSoftmax(logits, base, v, lq);
        const target = ids[r * length + t + 1]!;
        this.nll -= target >= 0 && target < v ? lq[target]! : Number.NaN;
        this.count++;
        if (!reference) continue;
        logSoftmax(reference, base, v, lp);
        let kl = 0;
        for (let i = 0; i < v; i++) {
          const p = Math.exp(lp[i]!);
          if (p > 0) kl += p * (lp[i]! - lq[i]!);
        }
        this.klSum += kl;
        const tp = topK(lp, TOP_K);
        const tq = topK(lq, TOP_K);
        if (tp[0] === tq[0]) this.same++;
        this.overlap += tq.filter((i) => tp.includes(i)).length / Math.min(TOP_K, v);
        this.compared++;
      }
    }
  }

  result(): LmMetrics {
    const ce = this.count ? this.nll / this.count : Number.NaN;
    const out: LmMetrics = { tokens: this.count, crossEntropy: ce, perplexity: Math.exp(ce) };
    if (this.compared > 0) {
      out.kl = this.klSum / this.compared;
      out.top1Agreement = this.same / this.compared;
      out.top5Overlap = this.overlap / this.compared;
    }
    return out;
  }
}
