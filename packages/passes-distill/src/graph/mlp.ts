// A plain Gemm/ReLU MLP as an IR model: the Hinton experiment's teachers and students, and test models.
import { float32Tensor, Model, tensorType, type Value } from '@enxuto/ir';
import { initWeights } from '../kernels/init.js';
import { seededRandom } from '@enxuto/train';

export interface MlpSpec {
  inputs: number;
  hidden: readonly number[];
  classes: number;
  seed?: number;
  /** Name of the graph input (default 'x'). */
  inputName?: string;
}

/** x [N, inputs] -> (Gemm -> Relu)* -> Gemm -> logits [N, classes]; value names fc{i}.out, relu{i}.out. */
export function mlpModel(spec: MlpSpec): Model {
  const model = new Model();
  model.opsetImports.set('', 17);
  const g = model.graph;
  const random = seededRandom(spec.seed ?? 1);
  let x: Value = g.addInput(spec.inputName ?? 'x', tensorType('float32', ['N', spec.inputs]));
  let width = spec.inputs;
  const layers = [...spec.hidden, spec.classes];
  layers.forEach((units, i) => {
    const last = i === layers.length - 1;
    const w = g.addInitializer(
      `fc${i}.weight`,
      float32Tensor([width, units], initWeights(last ? 'glorot' : 'he', width, units, width * units, random)),
    );
    const b = g.addInitializer(`fc${i}.bias`, float32Tensor([units], new Float32Array(units)));
    x = g
      .addNode({ opType: 'Gemm', name: `fc${i}`, inputs: [x, w, b], outputs: [last ? 'logits' : `fc${i}.out`] })
      .output(0);
    x.type = tensorType('float32', ['N', units]);
    if (!last) {
      x = g.addNode({ opType: 'Relu', name: `relu${i}`, inputs: [x], outputs: [`relu${i}.out`] }).output(0);
      x.type = tensorType('float32', ['N', units]);
    }
    width = units;
  });
  g.addOutput(x);
  return model;
}
