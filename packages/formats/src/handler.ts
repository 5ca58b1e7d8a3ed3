// A format that can read and write files (Node). Format packages register one each.
import type { Model } from '@enxuto/ir';
import type { FormatSniffer } from './format.js';

export interface FormatWriteOptions {
  /** Allow writing into a non-empty output folder (folder formats). */
  force?: boolean;
  /** Format-specific options (e.g. ONNX external data thresholds, TF.js shard size). */
  [option: string]: unknown;
}

export interface FormatHandler extends FormatSniffer {
  /** Reads a model; `bytes` is the size of everything read (file plus side files). */
  read(path: string): Promise<{ model: Model; bytes: number }>;
  /**
   * The file as its own format sees it (TFLite: its operators, tensor types and quantization as
   * stored), for formats whose `read` converts to ONNX-domain IR. Absent: `read` is that view.
   */
  readNative?(path: string): Promise<{ model: Model; bytes: number }>;
  /**
   * Writes a model atomically: either all files appear complete at their final paths, or none
   * does. Returns the files written and their total size.
   */
  write(model: Model, path: string, opts: FormatWriteOptions): Promise<{ files: string[]; bytes: number }>;
}
