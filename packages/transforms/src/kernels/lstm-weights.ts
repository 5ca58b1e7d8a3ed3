// ONNX LSTM weights split per gate, as numbers only. W is [4H, I] (one direction), R is [4H, H],
// B is [8H] (Wb then Rb); the gate order is i, o, f, c.

export const LSTM_GATES = ['i', 'o', 'f', 'c'] as const;

export interface GateWeights {
  /** Per gate, the input weight transposed to [I, H] (so x[B, I] @ w gives [B, H]). */
  w: Float32Array[];
  /** Per gate, the recurrent weight transposed to [H, H]. */
  r: Float32Array[];
  /** Per gate, Wb + Rb: [H]. */
  b: Float32Array[];
}

function transposedBlock(m: Float32Array, gate: number, hidden: number, cols: number): Float32Array {
  const out = new Float32Array(cols * hidden);
  for (let j = 0; j < hidden; j++) {
    const row = (gate * hidden + j) * cols;
    for (let k = 0; k < cols; k++) out[k * hidden + j] = m[row + k]!;
  }
  return out;
}

export function lstmGateWeights(
  w: Float32Array,
  r: Float32Array,
  b: Float32Array | undefined,
  hidden: number,
  inputSize: number,
): GateWeights {
  const gates = [0, 1, 2, 3];
  return {
    w: gates.map((g) => transposedBlock(w, g, hidden, inputSize)),
    r: gates.map((g) => transposedBlock(r, g, hidden, hidden)),
    b: gates.map((g) => {
      const out = new Float32Array(hidden);
      if (b) for (let j = 0; j < hidden; j++) out[j] = b[g * hidden + j]! + b[(4 + g) * hidden + j]!;
      return out;
    }),
  };
}
