// @enxuto/io: browser-safe path rules and resource limits. Node helpers live in '@enxuto/io/node'.
export { checkRelativeLocation, regionFits, type LocationContext } from './paths.js';
export { describeJsonError } from './json-error.js';
export {
  DEFAULT_LIMITS,
  LIMIT_DESCRIPTIONS,
  GrowthBudget,
  growthBudget,
  isLimitName,
  resolveLimits,
  type Limits,
} from './limits.js';
