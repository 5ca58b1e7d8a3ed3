// quantize-awq: n-bit weights with activation-aware scales (Lin et al. 2023) from calibration data.
import { definePass } from '@enxuto/pass';
import { awqOptionsSchema, runCalibratedPass } from '../calibrate/calibrated.js';

export const quantizeAwqPass = definePass({
  name: 'quantize-awq',
  summary: 'n-bit weights (MatMulNBits) with activation-aware scales (AWQ): salient input channels keep finer steps',
  options: awqOptionsSchema,
  needs: ['data', 'runtime'],
  inPlace: false,
  run: (model, options, ctx) => runCalibratedPass(model, 'awq', options, ctx),
});
