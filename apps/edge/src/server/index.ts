// @enxuto/edge/server: Node-side pieces of the edge app (the `enxuto serve-edge` server).
export { serveEdge, defaultAppDir, requestedLocation, lanAddresses, SECURITY_HEADERS, type ServeEdgeOptions, type EdgeServer } from './serve.js';
export { serveEdgeCommand, type ServeEdgeIO } from './command.js';
export { contentTypeFor } from './mime.js';
