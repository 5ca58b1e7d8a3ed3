// Multi-threaded tfjs-backend-wasm in Node. The package turns threads off in Node (its feature
// test returns false there) and, when forced on, hands Emscripten's pthread workers blob: URLs,
// which Node's worker_threads cannot load. Its threaded build does run on worker_threads, so this
// writes the worker script and the module source to a private temporary folder and points the
// blob URLs there while the backend starts. XNNPACK sizes its pool as min(asked, logical cores/2)
// (it assumes two hyperthreads per core); on a VM whose vCPUs are cores that halves the pool, so
// the core count the module reads is raised to 2 x asked for the duration of the start.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

interface Files {
  worker: string;
  module: string;
}

let files: Files | undefined;

function writeThreadFiles(): Files {
  if (files) return files;
  const pkg = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const dir = mkdtempSync(join(os.tmpdir(), 'enxuto-wasm-threads-'));
  const module = join(dir, 'module.cjs');
  const worker = join(dir, 'worker.cjs');
  writeFileSync(module, readFileSync(join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'), 'utf8'));
  const { wasmWorkerContents } = require(join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The package escapes newlines the same way before it builds its blob; inside the worker, the
  // module (sent as a Blob) is loaded through the same URL hook.
  const body = wasmWorkerContents.replace(/\n/g, '\\n');
  writeFileSync(worker, `URL.createObjectURL = () => ${JSON.stringify(module)};\n${body}`);
  files = { worker, module };
  return files;
}

/** Starts the wasm backend with `threads` XNNPACK threads (call once, before the first start). */
export async function startThreadedWasm(threads: number, start: () => Promise<void>): Promise<void> {
  const { setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const { worker, module } = writeThreadFiles();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (blob: Blob) => (blob.type === 'application/javascript' ? worker : module);
  os.cpus = () => {
    const list = cpus();
    while (list.length > 0 && list.length < 2 * threads) list.push(list[0]!);
    return list;
  };
  try {
    await start();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  // XNNPACK's pool threads wait for work forever; unreferenced, they let the process exit.
  const pthreads = wasmModule()?.PThread;
  for (const w of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) w.unref();
}

interface WasmModule {
  tfjs?: { getThreadsCount(): number };
  PThread?: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
}

function wasmModule(): WasmModule | undefined {
  return (tf.findBackend('wasm') as { wasm?: WasmModule } | null)?.wasm;
}

/** Threads XNNPACK runs with (1 for the single-threaded build). */
export function wasmThreadCount(): number {
  return wasmModule()?.tfjs?.getThreadsCount() ?? 1;
}
