// report.json: a stable, documented schema (docs/pipelines.md). Bump REPORT_SCHEMA_VERSION on any
// change that removes or renames a field; adding optional fields keeps the version.
import type { EvalMetrics } from '../eval/evaluate.js';
import type { GateResult } from '../runner/gates.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportStep {
  /** 0-based position in the pipeline's passes. */
  index: number;
  pass: string;
  /** 'builtin' or the plugin package that provided the pass. */
  source: string;
  /** Options after defaults. */
  options: Record<string, unknown>;
  changed: boolean;
  /** True when the result came from the pass cache. */
  cached: boolean;
  durationMs: number;
  /** What the pass reported (see each pass's docs); `layers` feeds the per-layer plots. */
  stats: Record<string, unknown>;
  /** Metrics of the model after this step (when `evaluation.perStep`). */
  metrics?: EvalMetrics;
}

export interface PipelineReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  status: 'ok' | 'gate-failed';
  pipeline: { file: string | null; seed: number };
  input: { path: string; format: string; bytes: number };
  environment: { enxuto: string; node: string; platform: string; arch: string; cpus: number; runtime: string };
  plugins: { name: string; version: string; path: string }[];
  data: Partial<Record<'calibration' | 'training' | 'evaluation', { description: string; samples: number }>>;
  steps: ReportStep[];
  metrics: { before?: EvalMetrics; after?: EvalMetrics };
  gates: GateResult[];
  outputs: { path: string; format: string; bytes: number }[];
  durationMs: number;
}

/** report.json's text. */
export function reportJson(report: PipelineReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
