// A format that can read and write files (Node). Format packages register one each.
import type { Limits } from '@enxuto/io';
import type { ProtectedFiles } from '@enxuto/io/node';
import type { Model } from '@enxuto/ir';
import type { FormatSniffer } from './format.js';

export interface FormatWriteOptions {
  /** Allow writing into a non-empty output folder (folder formats). */
  force?: boolean;
  /** Files no write may replace (the run's inputs), checked again just before each rename. */
  protect?: ProtectedFiles;
  /** Format-specific options (e.g. ONNX external data thresholds, TF.js shard size). */
  [option: string]: unknown;
}

export interface FormatReadOptions {
  /** Resource limits of @enxuto/io (file sizes, growth, shard counts). */
  limits?: Limits;
}

/** What a write will create, known before the model exists (for planning a run). */
export interface PlannedWrite {
  /** 'file': `files` are written; 'folder': `path` is a folder that receives them. */
  kind: 'file' | 'folder';
  /** Files whose final paths are known in advance (a folder format's model.json). */
  files: string[];
}

export interface FormatHandler extends FormatSniffer {
  /**
   * Reads a model; `bytes` is the size of everything read (file plus side files), whose identities
   * are recorded on the model (`sourceFiles` of @enxuto/io/node).
   */
  read(path: string, opts?: FormatReadOptions): Promise<{ model: Model; bytes: number }>;
  /**
   * The file as its own format sees it (TFLite: its operators, tensor types and quantization as
   * stored), for formats whose `read` converts to ONNX-domain IR. Absent: `read` is that view.
   */
  readNative?(path: string, opts?: FormatReadOptions): Promise<{ model: Model; bytes: number }>;
  /**
   * Writes a model atomically: either all files appear complete at their final paths, or none
   * does. Returns the files written and their total size.
   */
  write(model: Model, path: string, opts: FormatWriteOptions): Promise<{ files: string[]; bytes: number }>;
  /** What `write` would create at `path` with these options (checks the options too). */
  plan(path: string, opts: FormatWriteOptions): PlannedWrite;
}
