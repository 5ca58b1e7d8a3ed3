import { definePass } from '@enxuto/pipeline';
import { dynamicOptionsSchema, quantizeDynamic, quantizeWeights, weightsOptionsSchema } from '../quantize-dynamic.js';

export const quantizeDynamicPass = definePass({
  name: 'quantize-dynamic',
  summary: 'int8 MatMul/Gemm weights, activations quantized at run time (Conv stays float)',
  options: dynamicOptionsSchema,
  async run(model, options) {
    const { model: m, report } = quantizeDynamic(model, options);
    return {
      model: m,
      changed: report.layers.length > 0,
      stats: {
        layers: report.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: 'int8-dynamic',
        })),
      },
    };
  },
});

export const quantizeWeightsPass = definePass({
  name: 'quantize-weights',
  summary: 'weight-only quantization: int8 behind DequantizeLinear, or int4 block-wise as MatMulNBits',
  options: weightsOptionsSchema,
  async run(model, options) {
    const { model: m, report } = quantizeWeights(model, options);
    return {
      model: m,
      changed: report.layers.length > 0,
      stats: {
        layers: report.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: `int${l.bits}-weights`,
        })),
      },
    };
  },
});
