// Two models on the same inputs: variants of the drawn digit for digit models (shifted by a pixel
// or two, so the comparison sees realistic inputs), else seeded generated tensors.
import { measureLatency, type LatencyStats, type Session, type TensorData } from '@enxuto/runtime';
import { digitFeeds, firstOutput, generatedFeeds, shiftDigit } from './feeds.js';
import type { LoadedModel } from './model-source.js';
import { modelKind } from './model-kind.js';
import { compareOutputs, topK, type OutputComparison } from './scores.js';

export interface ComparedModel {
  model: LoadedModel;
  session: Session;
  /** Pixel range for digit inputs (the model's own, else the page's choice). */
  pixelRange: number;
  /** The current input for this model when it is not a digit model (picture or generated). */
  currentFeeds: Record<string, TensorData>;
}

export interface ComparisonResult {
  diff: OutputComparison;
  latency: [LatencyStats, LatencyStats];
  /** Top-1 class of each model on the first input. */
  top1: [number | undefined, number | undefined];
}

const SHIFTS = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [1, 1],
  [-1, -1],
  [2, 0],
  [0, 2],
  [-2, 0],
  [0, -2],
] as const;

const signature = (s: Session) => s.inputs.map((i) => `${i.dtype}[${i.shape.join(',')}]`).join(';');

export async function compareModels(
  a: ComparedModel,
  b: ComparedModel,
  opts: { samples: number; runs: number; digit: Float32Array | null },
): Promise<ComparisonResult> {
  const ka = modelKind(a.session.inputs),
    kb = modelKind(b.session.inputs);
  const digits = ka.kind === 'mnist' && kb.kind === 'mnist';
  if (!digits && signature(a.session) !== signature(b.session)) {
    throw new Error(`the models take different inputs (${signature(a.session)} vs ${signature(b.session)})`);
  }
  const feedsA: Record<string, TensorData>[] = [],
    feedsB: Record<string, TensorData>[] = [];
  for (let i = 0; i < opts.samples; i++) {
    if (digits && opts.digit) {
      const [dx, dy] = SHIFTS[i % SHIFTS.length]!;
      const d = shiftDigit(opts.digit, dx * (1 + Math.floor(i / SHIFTS.length)), dy);
      feedsA.push(digitFeeds(a.session, ka, d, a.pixelRange));
      feedsB.push(digitFeeds(b.session, kb, d, b.pixelRange));
    } else {
      const f = i === 0 ? a.currentFeeds : generatedFeeds(a.session, i + 1);
      feedsA.push(f);
      // Same signature, possibly different input names: rename in order.
      feedsB.push(Object.fromEntries(Object.values(f).map((t, k) => [b.session.inputs[k]!.name, t])));
    }
  }
  const outA: number[][] = [],
    outB: number[][] = [];
  for (let i = 0; i < opts.samples; i++) {
    outA.push(firstOutput(await a.session.run(feedsA[i]!)));
    outB.push(firstOutput(await b.session.run(feedsB[i]!)));
  }
  const la = await measureLatency(a.session, feedsA[0]!, { runs: opts.runs, warmup: 2 });
  const lb = await measureLatency(b.session, feedsB[0]!, { runs: opts.runs, warmup: 2 });
  return {
    diff: compareOutputs(outA, outB),
    latency: [la, lb],
    top1: [topK(outA[0]!, 1)[0]?.index, topK(outB[0]!, 1)[0]?.index],
  };
}
