// The TF op table of the graph-model reader: one fixed map keyed by op name, so a model.json can
// only pick among these functions. Ops missing here are UnsupportedErrors naming op and node.
import type { TfImporter } from './common.js';
import { GATHER_IMPORTERS } from './ops-gather.js';
import { IMAGE_IMPORTERS } from './ops-image.js';
import { MATH_IMPORTERS } from './ops-math.js';
import { NN_IMPORTERS } from './ops-nn.js';
import { SHAPE_IMPORTERS } from './ops-shape.js';
import { SLICE_IMPORTERS } from './ops-slice.js';
import { TENSOR_LIST_IMPORTERS } from './ops-tensor-list.js';

export type { TfImporter } from './common.js';

export const TF_IMPORTERS: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ...NN_IMPORTERS,
  ...MATH_IMPORTERS,
  ...SHAPE_IMPORTERS,
  ...SLICE_IMPORTERS,
  ...GATHER_IMPORTERS,
  ...IMAGE_IMPORTERS,
  ...TENSOR_LIST_IMPORTERS,
]);
