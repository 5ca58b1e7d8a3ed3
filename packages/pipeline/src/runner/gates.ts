// Gates: conditions on the final model's metrics, compared with the input model's.
import { EnxutoError } from '@enxuto/ir';
import type { Gate, GateMetric } from '../config/schema.js';
import type { PipelineReport } from '../report/report-types.js';
import type { EvalMetrics } from '../eval/evaluate.js';

export interface GateResult {
  metric: GateMetric;
  maxDrop?: number;
  min?: number;
  max?: number;
  before: number | null;
  after: number | null;
  passed: boolean;
  /** Why it failed, in words. */
  reason?: string;
}

/** Metrics where smaller is better: a "drop" is an increase. */
const LOWER_IS_BETTER: ReadonlySet<GateMetric> = new Set(['maxAbsError', 'sizeBytes', 'sizeRatio', 'latencyP50Ms']);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function checkGate(gate: Gate, before: EvalMetrics | undefined, after: EvalMetrics | undefined): GateResult {
  const b = num(before?.[gate.metric]);
  const a = num(after?.[gate.metric]);
  const base = {
    metric: gate.metric,
    before: b,
    after: a,
    ...(gate.maxDrop !== undefined ? { maxDrop: gate.maxDrop } : {}),
    ...(gate.min !== undefined ? { min: gate.min } : {}),
    ...(gate.max !== undefined ? { max: gate.max } : {}),
  };
  if (a === null)
    return {
      ...base,
      passed: false,
      reason: `${gate.metric} was not measured (does the pipeline declare data.evaluation?)`,
    };
  if (gate.maxDrop !== undefined) {
    if (b === null) return { ...base, passed: false, reason: `${gate.metric} of the input model was not measured` };
    const drop = LOWER_IS_BETTER.has(gate.metric) ? a - b : b - a;
    // A hair of tolerance so that float noise in the metric never flips an exact-boundary gate.
    if (drop > gate.maxDrop + 1e-12)
      return {
        ...base,
        passed: false,
        reason: `${gate.metric} dropped by ${fmt(drop)} (from ${fmt(b)} to ${fmt(a)}), more than ${fmt(gate.maxDrop)}`,
      };
  }
  if (gate.min !== undefined && a < gate.min)
    return { ...base, passed: false, reason: `${gate.metric} ${fmt(a)} is below ${fmt(gate.min)}` };
  if (gate.max !== undefined && a > gate.max)
    return { ...base, passed: false, reason: `${gate.metric} ${fmt(a)} is above ${fmt(gate.max)}` };
  return { ...base, passed: true };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

/** Metrics a gate list needs evaluation data for. */
export function gatesNeedData(gates: readonly Gate[]): boolean {
  return gates.some((g) => !['sizeBytes', 'sizeRatio', 'latencyP50Ms'].includes(g.metric));
}

/** A gate failed: nothing was written but the report. */
export class GateError extends EnxutoError {
  constructor(
    message: string,
    readonly report: PipelineReport,
    readonly reportFiles: string[],
  ) {
    super(message, { code: 'pipeline/gate-failed', field: 'gates' });
  }
}
