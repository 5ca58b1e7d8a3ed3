// Running one trial: the base pipeline with the trial's overrides, through the runner's public
// API. Runs in a worker's child process; a gate failure or an error is the trial's outcome, not a
// crash of the worker.
import { dirname, join } from 'node:path';
import { AbortedError, isEnxutoError } from '@enxuto/ir';
import {
  applyOverrides,
  GateError,
  parsePipelineConfig,
  type PassRegistry,
  type PipelineReport,
  runPipeline,
} from '@enxuto/pipeline/node';
import type { InferenceBackend } from '@enxuto/runtime';
import { defaultBackend } from '@enxuto/runtime/node';
import type { TrialJob, TrialOutcome, TrialRunner } from './trial.js';

export interface PipelineTrialEnvironment {
  /** The passes trials may use (plugins listed by the pipeline are added per trial). */
  registry: () => PassRegistry;
  /** Readies the training runtime (the CLI initialises TF.js on wasm), once per process. */
  prepareTraining?: () => Promise<void>;
}

/** onnxruntime sessions with a fixed thread count, so parallel trials do not fight for cores. */
export function withThreads(backend: InferenceBackend, threads: number): InferenceBackend {
  return {
    name: backend.name,
    createSession: (model, opts = {}) => backend.createSession(model, { ...opts, threads: opts.threads ?? threads }),
  };
}

function outcomeOf(report: PipelineReport, status: 'passed' | 'gate-failed', job: TrialJob, t0: number): TrialOutcome {
  return {
    status,
    metrics: {
      ...(report.metrics.before ? { before: report.metrics.before } : {}),
      ...(report.metrics.after ? { after: report.metrics.after } : {}),
    },
    gates: report.gates,
    ...(status === 'passed' ? { model: join(job.trialDir, 'model.onnx') } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}

export function pipelineTrialRunner(env: PipelineTrialEnvironment): TrialRunner {
  return async (job) => {
    const t0 = performance.now();
    try {
      const raw = applyOverrides(job.pipeline, job.set);
      const loaded = {
        config: parsePipelineConfig(raw, job.pipelineFile),
        file: job.pipelineFile,
        baseDir: dirname(job.pipelineFile),
      };
      const { report } = await runPipeline(loaded, {
        registry: env.registry(),
        force: true,
        cacheDir: job.cacheDir ?? false,
        backend: withThreads(defaultBackend(), job.threads),
        ...(env.prepareTraining ? { prepareTraining: env.prepareTraining } : {}),
      });
      return outcomeOf(report, 'passed', job, t0);
    } catch (e) {
      if (e instanceof GateError) return outcomeOf(e.report, 'gate-failed', job, t0);
      const seconds = (performance.now() - t0) / 1000;
      if (e instanceof AbortedError) return { status: 'cancelled', seconds };
      return {
        status: 'error',
        error: {
          code: isEnxutoError(e) ? e.code : 'internal',
          message: isEnxutoError(e) ? e.describe() : e instanceof Error ? e.message : String(e),
        },
        seconds,
      };
    }
  };
}
