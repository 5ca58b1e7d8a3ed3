// Pure numeric kernels of evaluation: accumulate top-k hits and agreement over batches of model
// outputs ([batch, classes] row-major), then summarize.

/** Index of the largest value in row `r` of a [rows, cols] matrix. */
export function argmaxRow(data: ArrayLike<number>, r: number, cols: number): number {
  let best = 0;
  let bestV = -Infinity;
  for (let c = 0; c < cols; c++) {
    const v = data[r * cols + c]!;
    if (v > bestV) {
      bestV = v;
      best = c;
    }
  }
  return best;
}

/** True when `label` is among the `k` largest values of row `r` (ties count against it). */
export function inTopK(data: ArrayLike<number>, r: number, cols: number, label: number, k: number): boolean {
  if (label < 0 || label >= cols) return false;
  const target = data[r * cols + label]!;
  let larger = 0;
  for (let c = 0; c < cols; c++) if (c !== label && data[r * cols + c]! > target) larger++;
  return larger < k;
}

export class AccuracyAccumulator {
  samples = 0;
  top1 = 0;
  top5 = 0;
  add(outputs: ArrayLike<number>, labels: ArrayLike<number>, cols: number): void {
    for (let r = 0; r < labels.length; r++) {
      const label = labels[r]!;
      if (argmaxRow(outputs, r, cols) === label) this.top1++;
      if (inTopK(outputs, r, cols, label, 5)) this.top5++;
      this.samples++;
    }
  }
  get accuracy(): number {
    return this.samples > 0 ? this.top1 / this.samples : Number.NaN;
  }
  get top5Accuracy(): number {
    return this.samples > 0 ? this.top5 / this.samples : Number.NaN;
  }
}

/** Agreement of a model's outputs with a reference model's outputs on the same inputs. */
export class AgreementAccumulator {
  samples = 0;
  sameTop1 = 0;
  cosineSum = 0;
  maxAbsError = 0;
  add(outputs: ArrayLike<number>, reference: ArrayLike<number>, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      if (argmaxRow(outputs, r, cols) === argmaxRow(reference, r, cols)) this.sameTop1++;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let c = 0; c < cols; c++) {
        const a = outputs[r * cols + c]!;
        const b = reference[r * cols + c]!;
        dot += a * b;
        na += a * a;
        nb += b * b;
        const d = Math.abs(a - b);
        if (d > this.maxAbsError || Number.isNaN(d)) this.maxAbsError = d;
      }
      // Two all-zero rows agree perfectly; one all-zero row does not.
      this.cosineSum += na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
      this.samples++;
    }
  }
  get agreement(): number {
    return this.samples > 0 ? this.sameTop1 / this.samples : Number.NaN;
  }
  get cosine(): number {
    return this.samples > 0 ? this.cosineSum / this.samples : Number.NaN;
  }
}

/** Median of a list of numbers (the mean of the two middle values for even counts). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
