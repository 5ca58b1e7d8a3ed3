// Pipelines the Compress view starts from: YAML text the user edits, for the opened model. Each is
// an ordinary pipeline file (what `enxuto run` reads), so a page's run and the CLI's agree.
export interface PresetModel {
  /** The file name the pipeline's `input:` names (the model as opened). */
  input: string;
  /** The first input's shape with symbolic dims as -1, for generated calibration data. */
  shape: number[];
}

export interface Preset {
  id: string;
  label: string;
  yaml(m: PresetModel): string;
}

const stem = (name: string) => name.replace(/\.[^.]*$/, '') || 'model';
const q = (s: string) => JSON.stringify(s);

function pipeline(m: PresetModel, suffix: string, passes: string[], data: string[] = []): string {
  return [
    `input: ${q(m.input)}`,
    'seed: 0',
    ...(data.length ? ['data:', ...data.map((d) => `  ${d}`)] : []),
    'passes:',
    ...passes.map((p) => `  - ${p}`),
    'outputs:',
    `  - ${q(`${stem(m.input)}.${suffix}.onnx`)}`,
    '',
  ].join('\n');
}

/** Generated calibration tensors: seeded, uniform in [0, 1], the model's input shape. */
function randomCalibration(m: PresetModel, count: number): string {
  return `calibration: { type: random, count: ${count}, shape: [${m.shape.join(', ')}] }`;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'dynamic-int8',
    label: 'Dynamic int8 (weights int8, activations at run time)',
    yaml: (m) => pipeline(m, 'int8-dynamic', ['quantize-dynamic']),
  },
  {
    id: 'static-int8',
    label: 'Static int8 (calibrated on generated or picked data)',
    yaml: (m) =>
      pipeline(m, 'int8', ['{ type: quantize-static, options: { perChannel: true } }'], [randomCalibration(m, 32)]),
  },
  {
    id: 'float16',
    label: 'float16 weights and compute (float32 inputs and outputs)',
    yaml: (m) => pipeline(m, 'fp16', ['convert-float16']),
  },
  {
    id: 'int4-weights',
    label: 'int4 weight-only (MatMul/Gemm as MatMulNBits)',
    yaml: (m) => pipeline(m, 'int4', ['{ type: quantize-weights, options: { bits: 4 } }']),
  },
];

export function presetById(id: string): Preset {
  return PRESETS.find((p) => p.id === id) ?? PRESETS[0]!;
}
