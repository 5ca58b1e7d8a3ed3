// Vite settings for the edge app. onnxruntime-web is resolved to its build that loads the
// emscripten glue (.mjs) and .wasm from `env.wasm.wasmPaths` (the app's ort/ folder) instead of
// inlining them, so wasm threads start their workers from a plain file and the service worker can
// cache exactly those files. Workspace packages resolve to their TypeScript sources.
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/** Under `vite` (dev), serve onnxruntime-web's runtime files at ort/ as the build copies them there. */
function ortFilesInDev(): Plugin {
  return {
    name: 'enxuto-edge-ort-files',
    apply: 'serve',
    configureServer(server) {
      const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
      server.middlewares.use((req, res, next) => {
        const m = /\/ort\/(ort-wasm-simd-threaded\.jsep\.(?:mjs|wasm))(?:\?.*)?$/.exec(req.url ?? '');
        if (!m || !existsSync(join(dist, m[1]!))) return next();
        res.setHeader('Content-Type', m[1]!.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(join(dist, m[1]!)).pipe(res);
      });
    },
  };
}

export default defineConfig({
  base: './',
  // scripts/build-app.ts turns this on: only its builds ship a service worker.
  define: { __EDGE_SERVICE_WORKER__: 'false' },
  plugins: [ortFilesInDev()],
  resolve: { conditions: ['source', 'onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // The Compress view's worker is an ES module (onnxruntime-web imports its glue at run time).
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: false,
    // onnxruntime-web alone is ~400 kB minified; one chunk keeps the precache list short.
    chunkSizeWarningLimit: 2048,
  },
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
