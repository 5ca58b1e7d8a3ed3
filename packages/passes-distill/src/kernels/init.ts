// Seeded weight initialisation for freshly derived students: He (Kaiming) uniform for layers
// followed by a ReLU-like activation, Glorot (Xavier) uniform otherwise.

export type InitKind = 'he' | 'glorot';

export function initWeights(
  kind: InitKind,
  fanIn: number,
  fanOut: number,
  count: number,
  random: () => number,
): Float32Array {
  const limit = kind === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random() * 2 - 1) * limit;
  return out;
}
