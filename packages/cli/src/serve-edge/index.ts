// @enxuto/cli/serve-edge: the static server behind `enxuto serve-edge` (also used by the edge app's tests).
export {
  serveEdge,
  defaultAppDir,
  requestedLocation,
  lanAddresses,
  SECURITY_HEADERS,
  type ServeEdgeOptions,
  type EdgeServer,
} from './serve.js';
export { contentTypeFor } from './mime.js';
