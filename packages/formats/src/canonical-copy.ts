// Writers of runtime-specific formats (TF.js, TFLite) map op by op: constant subgraphs the source
// format kept (TF.js's Shape -> Cast -> Slice flatten, TFLite weights behind Transpose) must be
// computed first. They work on a clone, so the caller's model is never changed.
import { cloneModel, type Model } from '@enxuto/ir';
import { canonicalize, type CanonicalizeOptions } from '@enxuto/transforms';

export function canonicalCopy(model: Model, options: CanonicalizeOptions = {}): Model {
  const copy = cloneModel(model);
  canonicalize(copy, options);
  return copy;
}
