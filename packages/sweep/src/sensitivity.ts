// The built-in sensitivity sweep: every weight layer quantized (int8, quantize-static) or pruned
// (prune-magnitude, at each of a few sparsities) alone, the rest of the model untouched, and the
// accuracy (or agreement with the input model) measured. It writes <out>/sensitivity.json, which
// quantize-auto and prune-magnitude take through their `sensitivity` option instead of measuring.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { atomicWrite } from '@enxuto/io/node';
import { readModel } from '@enxuto/formats/node';
import { applyOverrides, parsePipelineConfig, parsePipelineText, readPipelineText } from '@enxuto/pipeline/node';
import { SENSITIVITY_SCHEMA_VERSION, type SensitivityFile } from '@enxuto/pipeline';
import { layerName, weightLayers, type WeightLayer } from './layers.js';
import { planSettings, settingsToSet } from './plan.js';
import type { TrialVariant } from './prepare.js';
import { runSweep, type RunSweepOptions, type SweepRun } from './run-sweep.js';
import type { LoadedSweep, SensitivitySpec } from './sweep-file.js';

function passFor(spec: SensitivitySpec, layer: WeightLayer, all: readonly WeightLayer[], sparsity?: number): unknown {
  if (spec.method === 'quantize') {
    const others = all.filter((l) => l !== layer).map(layerName);
    // minInputChannels 0: measure every layer, also those quantize-static leaves float by default.
    return { type: 'quantize-static', options: { minInputChannels: 0, ...spec.options, exclude: others } };
  }
  // Everything else at sparsity 0; this layer's weight alone at `sparsity`, measured as pruned
  // (prune-magnitude fine-tunes by default when the pipeline has training data).
  return {
    type: 'prune-magnitude',
    options: {
      finetune: { epochs: 0, finalEpochs: 0 },
      ...spec.options,
      sparsity: 0,
      firstLayer: 1,
      lastLayer: 1,
      overrides: { [layer.weight]: sparsity },
    },
  };
}

/** The trials of a sensitivity sweep, after checking the base pipeline can measure them. */
export async function sensitivityVariants(
  sweep: LoadedSweep,
  set: readonly string[] = [],
): Promise<{ variants: TrialVariant[]; layers: WeightLayer[] }> {
  const spec = sweep.config.sensitivity!;
  const file = sweep.pipelineFile;
  const config = parsePipelineConfig(applyOverrides(parsePipelineText(readPipelineText(file), file), set), file);
  const where = { field: 'sensitivity', ...(sweep.file ? { file: sweep.file } : {}) };
  if (!config.data.evaluation)
    throw new ConfigError('a sensitivity sweep measures accuracy: the pipeline needs data.evaluation', {
      code: 'sweep/sensitivity-needs-data',
      ...where,
    });
  if (spec.method === 'quantize' && !config.data.calibration)
    throw new ConfigError('a quantize sensitivity sweep calibrates: the pipeline needs data.calibration', {
      code: 'sweep/sensitivity-needs-data',
      ...where,
    });
  const layers = weightLayers((await readModel(resolve(dirname(file), config.input))).model);
  if (layers.length === 0)
    throw new ConfigError('the model has no Conv/Gemm/MatMul layer with a constant weight to measure', {
      code: 'sweep/no-layers',
      ...where,
    });
  const variants: TrialVariant[] = [];
  for (const layer of layers) {
    const levels = spec.method === 'quantize' ? [undefined] : spec.sparsities;
    for (const sparsity of levels) {
      variants.push({
        settings: { layer: layerName(layer), ...(sparsity !== undefined ? { sparsity } : {}) },
        set: [`passes=${JSON.stringify([passFor(spec, layer, layers, sparsity)])}`, 'gates=[]'],
      });
    }
  }
  return { variants, layers };
}

export function sensitivityFile(run: SweepRun, layers: readonly WeightLayer[], spec: SensitivitySpec): SensitivityFile {
  const trials = run.results.trials;
  const labelled = trials.some((t) => t.metrics?.after?.accuracy !== undefined);
  const metric = labelled ? 'accuracy' : 'agreement';
  const before = trials.find((t) => t.metrics?.before)?.metrics?.before;
  const baseline = labelled ? (before?.accuracy ?? 0) : 1;
  return {
    schemaVersion: SENSITIVITY_SCHEMA_VERSION,
    method: spec.method,
    metric,
    model: { path: run.prepared.input.path, sha256: run.prepared.input.sha256 },
    baseline,
    options: spec.options,
    layers: layers.map((l) => ({
      ...l,
      results: trials
        .filter((t) => t.settings.layer === layerName(l))
        .map((t) => {
          const v = t.metrics?.after?.[metric];
          const value = t.status === 'passed' && typeof v === 'number' ? v : null;
          return {
            ...(spec.method === 'quantize'
              ? { precision: 'int8' as const }
              : { sparsity: t.settings.sparsity as number }),
            value,
            drop: value === null ? null : Math.round((baseline - value) * 1e6) / 1e6,
            trial: t.id,
          };
        }),
    })),
  };
}

export interface SensitivityRun extends SweepRun {
  sensitivity: SensitivityFile;
}

/** Runs the sensitivity sweep of `sweep` (which has `sensitivity:`) and writes sensitivity.json. */
export async function runSensitivitySweep(
  sweep: LoadedSweep,
  opts: Omit<RunSweepOptions, 'variants' | 'bestPipeline'>,
): Promise<SensitivityRun> {
  const { variants, layers } = await sensitivityVariants(sweep, opts.set);
  const run = await runSweep(sweep, { latency: false, ...opts, variants, bestPipeline: false });
  const sensitivity = sensitivityFile(run, layers, sweep.config.sensitivity!);
  const path = join(sweep.outDir, 'sensitivity.json');
  mkdirSync(sweep.outDir, { recursive: true });
  atomicWrite(path, new TextEncoder().encode(`${JSON.stringify(sensitivity, null, 2)}\n`));
  return { ...run, files: [...run.files, path], sensitivity };
}

/** The trials of any sweep: its search (grid or random), or its sensitivity sweep. */
export async function sweepVariants(sweep: LoadedSweep, set: readonly string[] = []): Promise<TrialVariant[]> {
  if (sweep.config.sensitivity) return (await sensitivityVariants(sweep, set)).variants;
  return planSettings(sweep.config).map((settings) => ({ settings, set: settingsToSet(settings) }));
}
