// Comparing a compressed model's outputs with its float source over an evaluation set.

/** Accumulates top-1 agreement (over rows of `classes` logits) and per-output flattened cosine. */
export class OutputComparison {
  private agree = 0;
  private rows = 0;
  private readonly dots = new Map<string, { ab: number; aa: number; bb: number }>();

  /** `top1Output`: the output judged by top-1 (undefined: none), `rows` samples in the batch. */
  add(
    reference: Record<string, Float32Array>,
    candidate: Record<string, Float32Array>,
    top1Output?: string,
    rows = 1,
  ): void {
    for (const [name, a] of Object.entries(reference)) {
      const b = candidate[name];
      if (!b || b.length !== a.length) throw new Error(`output ${name}: ${b?.length} values vs ${a.length}`);
      const d = this.dots.get(name) ?? { ab: 0, aa: 0, bb: 0 };
      for (let i = 0; i < a.length; i++) {
        d.ab += a[i]! * b[i]!;
        d.aa += a[i]! * a[i]!;
        d.bb += b[i]! * b[i]!;
      }
      this.dots.set(name, d);
    }
    if (top1Output) {
      const a = reference[top1Output]!;
      const b = candidate[top1Output]!;
      const classes = a.length / rows;
      for (let r = 0; r < rows; r++) {
        const row = (x: Float32Array) => x.subarray(r * classes, (r + 1) * classes);
        this.agree += argmax(row(a)) === argmax(row(b)) ? 1 : 0;
        this.rows++;
      }
    }
  }

  /** Fraction of samples whose top-1 class is the same (NaN when not judged by top-1). */
  get agreement(): number {
    return this.rows ? this.agree / this.rows : Number.NaN;
  }

  /** Cosine similarity of each output, all samples flattened together. */
  get cosines(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, d] of this.dots) out[name] = d.aa === 0 && d.bb === 0 ? 1 : d.ab / Math.sqrt(d.aa * d.bb);
    return out;
  }

  get minCosine(): number {
    return Math.min(...Object.values(this.cosines));
  }
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}
