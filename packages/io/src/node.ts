// Node-only file helpers: resolving untrusted locations inside a folder, atomic writes.
export { resolveInside, readRegion, type ResolvedLocation } from './resolve.js';
export { atomicWrite, assertNotInput, isSameFile, type WriteChunks } from './atomic.js';
