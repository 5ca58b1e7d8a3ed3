// Remembers which tensors were stored in ONNX's typed fields (float_data, int32_data, ...) rather
// than raw_data, so writing gives back the same form. Tensors are immutable and shared by clones,
// so a WeakSet keyed by the tensor follows it through passes that keep it.
import type { Tensor } from '@enxuto/ir';

const typedFieldTensors = new WeakSet<Tensor>();

export function markTypedFields(t: Tensor): Tensor {
  typedFieldTensors.add(t);
  return t;
}

export function usesTypedFields(t: Tensor): boolean {
  return typedFieldTensors.has(t);
}

/** TensorProto.name of tensors that are not values (attribute tensors such as Constant's). */
const tensorNames = new WeakMap<Tensor, string>();

/** `name` undefined: the TensorProto had no name field. */
export function rememberTensorName(t: Tensor, name: string | undefined): Tensor {
  if (name !== undefined) tensorNames.set(t, name);
  return t;
}

export function tensorNameOf(t: Tensor): string | undefined {
  return tensorNames.get(t);
}
