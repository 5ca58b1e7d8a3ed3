import { quantizeDynamicPass, quantizeWeightsPass } from './quantize-dynamic.pass.js';
import { quantizeStaticPass } from './quantize-static.pass.js';
import { quantizeAwqPass, quantizeGptqPass } from './quantize-calibrated.pass.js';
import { biasCorrectionPass, convertFloat16Pass, equalizeCrossLayerPass, quantizeAutoPass } from './other.pass.js';

export {
  quantizeStaticPass,
  quantizeDynamicPass,
  quantizeWeightsPass,
  quantizeGptqPass,
  quantizeAwqPass,
  convertFloat16Pass,
  equalizeCrossLayerPass,
  biasCorrectionPass,
  quantizeAutoPass,
};

/** Every pass of this package, for the built-in registry. */
export const quantizePasses = [
  quantizeStaticPass,
  quantizeDynamicPass,
  quantizeWeightsPass,
  quantizeGptqPass,
  quantizeAwqPass,
  convertFloat16Pass,
  equalizeCrossLayerPass,
  biasCorrectionPass,
  quantizeAutoPass,
] as const;
