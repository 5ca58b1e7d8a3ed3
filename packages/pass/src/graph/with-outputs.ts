// Exposes intermediate values as extra graph outputs (calibration, feature distillation, debugging).
import { cloneModel, RuntimeError, type Model } from '@enxuto/ir';

/**
 * A copy of `model` whose main graph also outputs the named values (after its own outputs, in the
 * given order). Their types are kept where known, so the exported graph outputs are typed.
 */
export function withOutputs(model: Model, valueNames: readonly string[]): Model {
  const copy = cloneModel(model);
  const g = copy.graph;
  for (const name of valueNames) {
    const v = g.value(name);
    if (!v) {
      throw new RuntimeError(`no value named ${name} in the main graph`, {
        code: 'runtime/unknown-value',
        value: name,
        field: 'outputs',
      });
    }
    if (!v.isGraphOutput()) g.addOutput(v);
  }
  return copy;
}
