// Builds the edge app into a folder: Vite bundle, onnxruntime-web's runtime files, the bundled
// models and their list, icons and manifest, and last the service worker with the list of every
// file to precache (so it knows the exact build it belongs to).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveInside } from '@enxuto/io/node';
import { readOnnx } from '@enxuto/onnx';
import { build } from 'vite';
import { iconPixels, iconSvg, webManifest } from './icons.js';
import { encodePng } from './png.js';

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** onnxruntime-web files the app loads at run time (the wasm+WebGPU build, SIMD and threads). */
export const ORT_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

export interface BundledModel {
  /** Stable id, also the folder inside models/ (`<id>/model.onnx` plus its external data). */
  id: string;
  name: string;
  /** Path of the .onnx file to copy in (external data beside it is copied too). */
  path: string;
  precision?: string;
  pixelRange?: 1 | 255;
  note?: string;
}

export interface BuildOptions {
  outDir: string;
  models?: BundledModel[];
  /** Vite log level (default 'warn'). */
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

function ortDist(): string {
  const require = createRequire(join(APP_DIR, 'package.json'));
  // The package's exports map hides package.json; the wasm file is exported and sits in dist/.
  return dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MODEL_FILE = 'model.onnx';

/**
 * Copies a model and the external-data files it names (checked to stay inside its folder) into
 * a folder of its own, so models never share or overwrite each other's data. Returns total bytes.
 */
export function copyModel(path: string, destDir: string): number {
  const bytes = readFileSync(path);
  const locations = new Set<string>();
  readOnnx(bytes, {
    file: path,
    externalData: {
      resolve(req) {
        locations.add(req.location);
        return { load: () => new Uint8Array(req.byteLength) };
      },
    },
  });
  mkdirSync(destDir, { recursive: true });
  writeFileSync(join(destDir, MODEL_FILE), bytes);
  let total = bytes.length;
  for (const loc of locations) {
    const src = resolveInside(dirname(path), loc, { file: path, field: 'external_data.location' });
    const dest = join(destDir, ...loc.split('/'));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(src.path, dest);
    total += src.size;
  }
  return total;
}

export async function buildEdgeApp(opts: BuildOptions): Promise<{ outDir: string; files: string[]; version: string }> {
  const outDir = opts.outDir;
  rmSync(outDir, { recursive: true, force: true });
  await build({
    root: APP_DIR,
    configFile: join(APP_DIR, 'vite.config.ts'),
    logLevel: opts.logLevel ?? 'warn',
    mode: 'production',
    define: { __EDGE_SERVICE_WORKER__: 'true' },
    build: { outDir, emptyOutDir: true },
  });

  mkdirSync(join(outDir, 'ort'), { recursive: true });
  for (const f of ORT_FILES) copyFileSync(join(ortDist(), f), join(outDir, 'ort', f));

  mkdirSync(join(outDir, 'models'), { recursive: true });
  const entries = [];
  for (const m of opts.models ?? []) {
    if (!ID_RE.test(m.id)) throw new Error(`model id '${m.id}' must be lower-case letters, digits, '.', '_' or '-'`);
    const bytes = copyModel(m.path, join(outDir, 'models', m.id));
    entries.push({
      id: m.id,
      name: m.name,
      file: `${m.id}/${MODEL_FILE}`,
      bytes,
      ...(m.precision ? { precision: m.precision } : {}),
      ...(m.pixelRange ? { pixelRange: m.pixelRange } : {}),
      ...(m.note ? { note: m.note } : {}),
    });
  }
  writeFileSync(join(outDir, 'models', 'models.json'), `${JSON.stringify({ models: entries }, null, 2)}\n`);

  mkdirSync(join(outDir, 'icons'), { recursive: true });
  writeFileSync(join(outDir, 'icons', 'icon.svg'), iconSvg());
  for (const size of [192, 512])
    writeFileSync(join(outDir, 'icons', `icon-${size}.png`), encodePng(size, size, iconPixels(size)));
  writeFileSync(join(outDir, 'manifest.webmanifest'), webManifest());

  // Everything but the worker itself is precached; the version is a hash of all of it.
  const files = listFiles(outDir).filter((f) => f !== 'sw.js' && !f.endsWith('.map'));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
  const version = hash.digest('hex').slice(0, 16);
  await build({
    configFile: false,
    root: APP_DIR,
    logLevel: opts.logLevel ?? 'warn',
    mode: 'production',
    define: { __PRECACHE__: JSON.stringify(files), __VERSION__: JSON.stringify(version) },
    build: {
      outDir,
      emptyOutDir: false,
      copyPublicDir: false,
      target: 'es2022',
      lib: { entry: join(APP_DIR, 'src/sw/sw.ts'), formats: ['iife'], name: 'enxutoEdgeSw', fileName: () => 'sw.js' },
    },
  });
  return { outDir, files: [...files, 'sw.js'], version };
}
