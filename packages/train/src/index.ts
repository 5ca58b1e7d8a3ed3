// @enxuto/train: IR graphs as TF.js executables that can be run and trained (wasm backend).
export { initBackend, activeBackend, type BackendName, type BackendOptions } from './backend.js';
export { registerForwardOpGradients } from './grad/register.js';
