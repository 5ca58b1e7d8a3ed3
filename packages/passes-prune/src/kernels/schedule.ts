// Gradual pruning schedule (Zhu & Gupta 2017): s_t = s_f + (s_i − s_f)·(1 − t/n)^e, e = 3 —
// prune fast while the network is redundant, slowly near the target.

export interface PolynomialSchedule {
  from: number;
  to: number;
  /** Number of pruning steps n; step n reaches `to`. */
  steps: number;
  exponent?: number;
}

/** Sparsity at step t in [0, steps] (clamped). */
export function polynomialSparsity(t: number, s: PolynomialSchedule): number {
  if (s.steps <= 0) return s.to;
  const f = Math.min(1, Math.max(0, t / s.steps));
  return s.to + (s.from - s.to) * (1 - f) ** (s.exponent ?? 3);
}

/** Sparsity after each of steps 1..n. */
export function polynomialSteps(s: PolynomialSchedule): number[] {
  return Array.from({ length: Math.max(1, s.steps) }, (_, i) => polynomialSparsity(i + 1, s));
}
