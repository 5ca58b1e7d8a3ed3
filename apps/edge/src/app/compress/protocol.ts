// Messages between the Compress view and its worker. Files travel as transferred buffers.
import type { PipelineReport } from '@enxuto/pipeline';

export interface RunRequest {
  type: 'run';
  id: number;
  yaml: string;
  /** The pipeline's files by the path it names them with (the model, data files). */
  files: Record<string, Uint8Array>;
  /** Where onnxruntime-web's .mjs/.wasm are served (the app's ort/ folder). */
  ortBase: string;
  threads: number;
  /** Keep pass outputs in the origin-private file system, so a reloaded tab resumes. */
  cache: 'opfs' | 'memory';
  /** Identity of this build's pass code in cache keys. */
  codeIdentity: string;
}

export interface CancelRequest {
  type: 'cancel';
  id: number;
}

export type ToWorker = RunRequest | CancelRequest;

export interface WireFile {
  path: string;
  format: string;
  bytes: Uint8Array;
}

export interface WireError {
  name: string;
  code: string;
  message: string;
  field?: string;
  file?: string;
}

export type FromWorker =
  | { type: 'begin'; id: number; label: string }
  | { type: 'update'; id: number; done: number; total: number; message?: string }
  | { type: 'end'; id: number; summary?: string }
  | { type: 'log'; id: number; level: 'info' | 'warn'; message: string }
  | {
      type: 'done';
      id: number;
      report: PipelineReport;
      outputs: WireFile[];
      reportFiles: WireFile[];
      cachedSteps: number;
    }
  | { type: 'failed'; id: number; error: WireError; report?: PipelineReport; reportFiles?: WireFile[] };
