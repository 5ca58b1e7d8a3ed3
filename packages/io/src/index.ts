// @enxuto/io: browser-safe path rules. Node helpers live in '@enxuto/io/node'.
export { checkRelativeLocation, type LocationContext } from './paths.js';
