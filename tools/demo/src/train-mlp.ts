// A tiny MLP (inputs -> hidden ReLU -> classes) trained with plain mini-batch SGD + momentum on
// softmax cross-entropy. Pure numbers, deterministic for a seed: same seed, same weights.
import { createRng, permutation } from '@enxuto/pipeline';

export interface Mlp {
  inputs: number;
  hidden: number;
  classes: number;
  /** [inputs, hidden] row-major */
  w1: Float32Array;
  b1: Float32Array;
  /** [hidden, classes] row-major */
  w2: Float32Array;
  b2: Float32Array;
}

export interface TrainOptions {
  hidden: number;
  classes: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

function init(inputs: number, hidden: number, classes: number, seed: number): Mlp {
  const rng = createRng(seed);
  // He initialisation for the ReLU layer, Glorot-ish for the output layer.
  const w1 = Float32Array.from({ length: inputs * hidden }, () => rng.normal() * Math.sqrt(2 / inputs));
  const w2 = Float32Array.from({ length: hidden * classes }, () => rng.normal() * Math.sqrt(1 / hidden));
  return { inputs, hidden, classes, w1, b1: new Float32Array(hidden), w2, b2: new Float32Array(classes) };
}

/** Hidden pre-activations and logits of one sample. */
export function forward(m: Mlp, x: Float32Array, pre: Float32Array, logits: Float32Array): void {
  pre.set(m.b1);
  for (let i = 0; i < m.inputs; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * m.hidden;
    for (let h = 0; h < m.hidden; h++) pre[h]! += xi * m.w1[row + h]!;
  }
  logits.set(m.b2);
  for (let h = 0; h < m.hidden; h++) {
    const a = pre[h]! > 0 ? pre[h]! : 0;
    if (a === 0) continue;
    const row = h * m.classes;
    for (let c = 0; c < m.classes; c++) logits[c]! += a * m.w2[row + c]!;
  }
}

export function predict(m: Mlp, x: Float32Array): number {
  const pre = new Float32Array(m.hidden);
  const logits = new Float32Array(m.classes);
  forward(m, x, pre, logits);
  let best = 0;
  for (let c = 1; c < m.classes; c++) if (logits[c]! > logits[best]!) best = c;
  return best;
}

export function trainMlp(xs: readonly Float32Array[], ys: ArrayLike<number>, o: TrainOptions): Mlp {
  const inputs = xs[0]!.length;
  const m = init(inputs, o.hidden, o.classes, o.seed);
  const params = [m.w1, m.b1, m.w2, m.b2];
  const grads = params.map((p) => new Float32Array(p.length));
  const velocity = params.map((p) => new Float32Array(p.length));
  const pre = new Float32Array(o.hidden);
  const logits = new Float32Array(o.classes);
  const dPre = new Float32Array(o.hidden);
  const dLogits = new Float32Array(o.classes);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = permutation(xs.length, o.seed + 1 + epoch);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += o.batchSize) {
      const end = Math.min(order.length, start + o.batchSize);
      for (const g of grads) g.fill(0);
      for (let k = start; k < end; k++) {
        const x = xs[order[k]!]!;
        const y = ys[order[k]!]!;
        forward(m, x, pre, logits);
        // softmax cross-entropy gradient: p - onehot(y)
        let max = -Infinity;
        for (let c = 0; c < o.classes; c++) max = Math.max(max, logits[c]!);
        let sum = 0;
        for (let c = 0; c < o.classes; c++) sum += Math.exp(logits[c]! - max);
        for (let c = 0; c < o.classes; c++) dLogits[c] = Math.exp(logits[c]! - max) / sum - (c === y ? 1 : 0);
        lossSum += -(logits[y]! - max - Math.log(sum));
        dPre.fill(0);
        for (let h = 0; h < o.hidden; h++) {
          if (pre[h]! <= 0) continue;
          const row = h * o.classes;
          let d = 0;
          for (let c = 0; c < o.classes; c++) {
            grads[2]![row + c]! += pre[h]! * dLogits[c]!;
            d += m.w2[row + c]! * dLogits[c]!;
          }
          dPre[h] = d;
        }
        for (let c = 0; c < o.classes; c++) grads[3]![c]! += dLogits[c]!;
        for (let i = 0; i < inputs; i++) {
          const xi = x[i]!;
          if (xi === 0) continue;
          const row = i * o.hidden;
          for (let h = 0; h < o.hidden; h++) grads[0]![row + h]! += xi * dPre[h]!;
        }
        for (let h = 0; h < o.hidden; h++) grads[1]![h]! += dPre[h]!;
      }
      const scale = o.learningRate / (end - start);
      params.forEach((p, j) => {
        const g = grads[j]!;
        const v = velocity[j]!;
        for (let i = 0; i < p.length; i++) {
          v[i] = o.momentum * v[i]! - scale * g[i]!;
          p[i]! += v[i]!;
        }
      });
    }
    o.onEpoch?.(epoch, lossSum / xs.length);
  }
  return m;
}
