// A complete report for tests of the HTML page (no model runs needed).
import type { EvalMetrics } from '../eval/evaluate.js';
import { REPORT_SCHEMA_VERSION, type PipelineReport } from './report-types.js';

const metrics = (sizeBytes: number, accuracy: number, extra: Partial<EvalMetrics> = {}): EvalMetrics => ({
  samples: 1000,
  accuracy,
  top5: 0.999,
  sizeBytes,
  parameters: 50_000,
  nonZero: 50_000,
  latencyP50Ms: 0.25,
  ...extra,
});

export function sampleReport(): PipelineReport {
  const before = metrics(204_800, 0.9812, { agreement: 1, cosine: 1, maxAbsError: 0, sizeRatio: 1 });
  const step1 = metrics(200_000, 0.9812, { agreement: 1, cosine: 1, maxAbsError: 1e-6, sizeRatio: 0.9766 });
  const step2 = metrics(60_000, 0.9771, {
    agreement: 0.991,
    cosine: 0.998,
    maxAbsError: 0.31,
    sizeRatio: 0.293,
    nonZero: 12_500,
  });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    status: 'ok',
    pipeline: { file: '/p/pipeline.yaml', seed: 0 },
    input: { path: '/p/models/<mnist>.onnx', format: 'onnx', bytes: 204_800 },
    environment: { enxuto: '0.1.0', node: '20.0.0', platform: 'linux', arch: 'x64', cpus: 2, runtime: 'ort-node' },
    plugins: [{ name: '@acme/enxuto-prune', version: '1.2.3', path: '/p/node_modules/@acme/enxuto-prune' }],
    data: { evaluation: { description: 'mnist validation (1000 samples, seed 0)', samples: 1000 } },
    steps: [
      {
        index: 0,
        pass: 'fold-batchnorm',
        source: 'builtin',
        options: {},
        changed: true,
        cached: false,
        durationMs: 3.5,
        stats: { folded: 1 },
        metrics: step1,
      },
      {
        index: 1,
        pass: 'acme/prune-magnitude',
        source: '@acme/enxuto-prune',
        options: { sparsity: 0.75 },
        changed: true,
        cached: true,
        durationMs: 120.25,
        stats: {
          layers: [
            { name: 'dense1.weight', sparsity: 0.8, quantError: 0.01 },
            { name: 'dense2.weight', sparsity: 0.5 },
            { name: '<script>alert(1)</script>', sparsity: 0.1 },
          ],
        },
        metrics: step2,
      },
    ],
    metrics: { before, after: step2 },
    gates: [{ metric: 'accuracy', maxDrop: 0.005, before: 0.9812, after: 0.9771, passed: true }],
    outputs: [{ path: '/p/out/m.onnx', format: 'onnx', bytes: 60_000 }],
    durationMs: 1234.5,
  };
}
