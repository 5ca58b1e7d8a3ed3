// The Compress view's worker: runs a pipeline with the CLI's own runner core
// (runPipelineInMemory) and onnxruntime-web, posting per-step progress; a cancel message aborts
// the run's signal, which every pass and evaluation loop checks.
import { isEnxutoError } from '@enxuto/ir';
import { GateError, type Logger, MemoryStepStore, runPipelineInMemory, webSha256 } from '@enxuto/pipeline';
import { configureOrtWeb, getBackend } from '@enxuto/runtime';
import { OpfsStepStore } from './opfs-store.js';
import { browserRegistry } from './passes.js';
import type { FromWorker, ToWorker, WireError, WireFile } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as WorkerScope;
const runs = new Map<number, AbortController>();
const memoryStore = new MemoryStepStore();

function wireError(e: unknown): WireError {
  if (isEnxutoError(e))
    return {
      name: e.name,
      code: e.code,
      message: e.message,
      ...(e.field ? { field: e.field } : {}),
      ...(e.file ? { file: e.file } : {}),
    };
  return { name: (e as Error)?.name ?? 'Error', code: 'internal', message: (e as Error)?.message ?? String(e) };
}

const transfers = (files: WireFile[]) => files.map((f) => f.bytes.buffer as ArrayBuffer);

async function run(req: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  runs.set(req.id, controller);
  const post = (m: FromWorker, t: Transferable[] = []) => scope.postMessage(m, t);
  const logger: Logger = {
    debug() {},
    info: (message) => post({ type: 'log', id: req.id, level: 'info', message }),
    warn: (message) => post({ type: 'log', id: req.id, level: 'warn', message }),
  };
  configureOrtWeb({ wasmPaths: req.ortBase, threads: req.threads });
  const store = (req.cache === 'opfs' && (await OpfsStepStore.open(webSha256, logger))) || memoryStore;
  try {
    const result = await runPipelineInMemory(req.yaml, {
      registry: browserRegistry(),
      files: req.files,
      backend: getBackend('ort-web'),
      store,
      signal: controller.signal,
      logger,
      codeIdentity: req.codeIdentity,
      environment: { platform: 'browser', cpus: navigator.hardwareConcurrency || 1 },
      progress: {
        begin: (label) => post({ type: 'begin', id: req.id, label }),
        update: (done, total, message) =>
          post({ type: 'update', id: req.id, done, total, ...(message ? { message } : {}) }),
        end: (summary) => post({ type: 'end', id: req.id, ...(summary ? { summary } : {}) }),
      },
    });
    const files = [...result.outputs, ...result.reportFiles];
    post(
      {
        type: 'done',
        id: req.id,
        report: result.report,
        outputs: result.outputs,
        reportFiles: result.reportFiles,
        cachedSteps: result.report.steps.filter((s) => s.cached).length,
      },
      transfers(files),
    );
  } catch (e) {
    post({
      type: 'failed',
      id: req.id,
      error: wireError(e),
      ...(e instanceof GateError ? { report: e.report } : {}),
    });
  } finally {
    runs.delete(req.id);
  }
}

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'run') void run(m);
  else runs.get(m.id)?.abort();
});
