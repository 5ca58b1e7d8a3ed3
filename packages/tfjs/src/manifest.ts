// The weights manifest of a model.json: groups of shard files and the weights packed in them, in
// order. Parsing checks every field (paths stay inside the model folder, dtypes come from fixed
// lists, shapes are real dimensions, names are unique) before any byte is read.
import { checkRelativeLocation } from '@enxuto/io';
import { shapeSize } from '@enxuto/ir';
import { isManifestDtype, isQuantDtype, storedBytes, type ManifestDtype, type QuantDtype } from './dtypes.js';
import { asArray, asFiniteNumber, asName, asObject, asShape, asString, formatError, own, type Where } from './json.js';

export interface WeightQuantization {
  dtype: QuantDtype;
  scale?: number;
  min?: number;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: ManifestDtype;
  quantization?: WeightQuantization;
  /** Index of the manifest group holding it. */
  group: number;
}

export interface WeightsManifest {
  /** Shard paths per group, already checked to be safe relative locations. */
  groups: string[][];
  weights: WeightSpec[];
}

/** Elements a single weight may hold (2^31: beyond any typed array TF.js can make). */
export const MAX_WEIGHT_ELEMENTS = 2 ** 31;

export function parseWeightsManifest(v: unknown, where: Where): WeightsManifest {
  if (v === undefined)
    throw formatError('model.json has no weightsManifest', 'tfjs/no-manifest', where, 'weightsManifest');
  const groupsJson = asArray(v, where, 'weightsManifest');
  const groups: string[][] = [];
  const weights: WeightSpec[] = [];
  const seen = new Set<string>();
  groupsJson.forEach((gj, gi) => {
    const gField = `weightsManifest[${gi}]`;
    const g = asObject(gj, where, gField);
    const paths = asArray(own(g, 'paths'), where, `${gField}.paths`).map((p, pi) => {
      const field = `${gField}.paths[${pi}]`;
      const s = asString(p, where, field);
      checkRelativeLocation(s, { ...(where.file !== undefined ? { file: where.file } : {}), field });
      return s;
    });
    groups.push(paths);
    asArray(own(g, 'weights'), where, `${gField}.weights`).forEach((wj, wi) => {
      const field = `${gField}.weights[${wi}]`;
      const w = asObject(wj, where, field);
      const name = asName(own(w, 'name'), where, `${field}.name`);
      const wWhere = { ...where, value: name };
      if (seen.has(name))
        throw formatError(`duplicate weight name '${name}'`, 'tfjs/duplicate-weight', wWhere, `${field}.name`);
      seen.add(name);
      const shape = asShape(own(w, 'shape'), wWhere, `${field}.shape`);
      const size = shapeSize(shape);
      if (size > MAX_WEIGHT_ELEMENTS) {
        throw formatError(
          `weight has ${size} elements (limit ${MAX_WEIGHT_ELEMENTS})`,
          'tfjs/too-large',
          wWhere,
          `${field}.shape`,
        );
      }
      const dtype = own(w, 'dtype');
      if (!isManifestDtype(dtype)) {
        throw formatError(`unknown weight dtype ${JSON.stringify(dtype)}`, 'tfjs/bad-dtype', wWhere, `${field}.dtype`);
      }
      const spec: WeightSpec = { name, shape, dtype, group: gi };
      const qj = own(w, 'quantization');
      if (qj !== undefined) spec.quantization = parseQuantization(qj, dtype, wWhere, `${field}.quantization`);
      weights.push(spec);
    });
  });
  return { groups, weights };
}

function parseQuantization(qj: unknown, dtype: ManifestDtype, where: Where, field: string): WeightQuantization {
  const q = asObject(qj, where, field);
  const qd = own(q, 'dtype');
  if (!isQuantDtype(qd)) {
    throw formatError(
      `unknown quantization dtype ${JSON.stringify(qd)}`,
      'tfjs/bad-quant-dtype',
      where,
      `${field}.dtype`,
    );
  }
  if (qd === 'float16') {
    if (dtype !== 'float32') {
      throw formatError(
        `float16 quantization applies to float32 weights, not ${dtype}`,
        'tfjs/bad-quant-dtype',
        where,
        `${field}.dtype`,
      );
    }
    return { dtype: qd };
  }
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw formatError(
      `${qd} quantization applies to float32 or int32 weights, not ${dtype}`,
      'tfjs/bad-quant-dtype',
      where,
      `${field}.dtype`,
    );
  }
  if (own(q, 'scale') === undefined)
    throw formatError(`${qd} quantization has no scale`, 'tfjs/bad-quant', where, `${field}.scale`);
  if (own(q, 'min') === undefined)
    throw formatError(`${qd} quantization has no min`, 'tfjs/bad-quant', where, `${field}.min`);
  const scale = asFiniteNumber(own(q, 'scale'), where, `${field}.scale`);
  const min = asFiniteNumber(own(q, 'min'), where, `${field}.min`);
  return { dtype: qd, scale, min };
}

/**
 * Bytes the non-string weights occupy, and whether string weights (whose size is only known by
 * reading their length prefixes) are present.
 */
export function expectedByteLength(m: WeightsManifest): { bytes: number; hasStrings: boolean } {
  let bytes = 0;
  let hasStrings = false;
  for (const w of m.weights) {
    if (w.dtype === 'string' && !w.quantization) {
      hasStrings = true;
      continue;
    }
    bytes += shapeSize(w.shape) * storedBytes(w.quantization ? w.quantization.dtype : w.dtype);
  }
  return { bytes, hasStrings };
}
