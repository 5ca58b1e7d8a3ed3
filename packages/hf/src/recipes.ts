// What each Transformers.js dtype is made of, as enxuto transforms (the same functions the
// quantize-* and convert-float16 passes run). Every recipe starts from the float32 model.
import type { Model } from '@enxuto/ir';
import {
  quantizeBnb4,
  quantizeCalibrated,
  quantizeDynamic,
  quantizeWeights,
  toFloat16,
  type CalibrationBatch,
  type StreamingHooks,
  type TensorStore,
} from '@enxuto/passes-quantize';
import type { InferenceBackend } from '@enxuto/pass';
import { cloneModel, checkModel } from '@enxuto/ir';
import { checkDtypes, type Dtype } from './dtypes.js';

export interface RecipeOptions {
  /** 4-bit weights per scale along K (a power of two >= 16). */
  blockSize: number;
  /** Asymmetric 4-bit blocks (a zero point each): lower error for a 1/8 bit more per weight. */
  symmetric: boolean;
  /** MatMulNBits accuracy_level (4: int8 activations inside the kernel, faster on CPU). */
  accuracyLevel: number;
  /** 4-bit method: round to nearest, or GPTQ / AWQ from `calibration`. */
  method: 'rtn' | 'gptq' | 'awq';
  /** Calibration feeds and a runtime, for GPTQ / AWQ. */
  calibration?: { batches: readonly CalibrationBatch[]; backend: InferenceBackend };
  /**
   * Streaming: change the model itself and send new weights to `store` (a SpillFile), so a
   * multi-GB model is made into any dtype with about one layer in memory. The model is spent afterwards.
   */
  streaming?: { store: TensorStore };
}

export const DEFAULT_RECIPE: RecipeOptions = { blockSize: 32, symmetric: false, accuracyLevel: 0, method: 'rtn' };

/** In place with new weights to the store when streaming; else on a copy, in memory. */
function hooksOf(o: RecipeOptions): StreamingHooks {
  return o.streaming ? { inPlace: true, store: o.streaming.store } : {};
}

async function q4(model: Model, o: RecipeOptions): Promise<Model> {
  const common = { bits: 4, blockSize: o.blockSize, symmetric: o.symmetric, accuracyLevel: o.accuracyLevel };
  const hooks = hooksOf(o);
  if (o.method === 'rtn') return quantizeWeights(model, { ...common, embeddings: true }, hooks).model;
  if (!o.calibration) throw new Error(`${o.method} needs calibration data`);
  const r = await quantizeCalibrated(model, o.method, o.calibration.backend, o.calibration.batches, common, hooks);
  return r.model;
}

/** int8 MatMul/Gemm weights with dynamic activations, then 8-bit embeddings (and int8 Conv weights). */
function dynamic8(model: Model, weightType: 'int8' | 'uint8', o: RecipeOptions): Model {
  const hooks = hooksOf(o);
  const d = quantizeDynamic(model, { perChannel: true, weightType }, hooks).model;
  // The copy (if any) was made above: the rest changes it in place.
  return quantizeWeights(d, { bits: 8, embeddings: true }, { ...hooks, inPlace: true }).model;
}

function bnb4(model: Model, o: RecipeOptions): Model {
  const m = o.streaming ? model : cloneModel(model);
  quantizeBnb4(m, { blockSize: Math.max(o.blockSize, 64), quantType: 'nf4' }, o.streaming?.store);
  checkModel(m);
  // Embeddings by 4-bit blocks (MatMulBnb4 has no gather form).
  const embeddings = { bits: 4, blockSize: o.blockSize, symmetric: o.symmetric, embeddings: true };
  return quantizeWeights(m, embeddings, { ...hooksOf(o), inPlace: true }).model;
}

function fp16(model: Model, o: RecipeOptions): Model {
  return toFloat16(model, { keepIO: true }, hooksOf(o)).model;
}

/** The `dtype` variant of a float32 model. */
export async function makeVariant(model: Model, dtype: Dtype, options: Partial<RecipeOptions> = {}): Promise<Model> {
  const o = { ...DEFAULT_RECIPE, ...options };
  switch (dtype) {
    case 'fp16':
      return fp16(model, o);
    case 'q8':
    case 'int8':
      return dynamic8(model, 'int8', o);
    case 'uint8':
      return dynamic8(model, 'uint8', o);
    case 'q4':
      return q4(model, o);
    case 'q4f16':
      // q4 made a copy (or streams): float16 may change its result in place.
      return toFloat16(await q4(model, o), { keepIO: true }, { ...hooksOf(o), inPlace: true }).model;
    case 'bnb4':
      return bnb4(model, o);
    default:
      // A caller without the type checker: the error names the dtype and the known ones.
      checkDtypes([dtype]);
      throw new Error('unreachable');
  }
}
