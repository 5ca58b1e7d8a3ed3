// quantize-gptq: n-bit weights by GPTQ (Frantar et al. 2022), layer by layer on calibration data.
import { definePass } from '@enxuto/pass';
import { gptqOptionsSchema, runCalibratedPass } from '../calibrate/calibrated.js';

export const quantizeGptqPass = definePass({
  name: 'quantize-gptq',
  summary: 'n-bit weights (MatMulNBits) by GPTQ: rounding errors compensated with the inverse Hessian of each layer',
  options: gptqOptionsSchema,
  needs: ['data', 'runtime'],
  inPlace: false,
  run: (model, options, ctx) => runCalibratedPass(model, 'gptq', options, ctx),
});
