// The runtime contract: what passes, evaluation and the CLI see of an inference engine.
// @enxuto/runtime implements it over onnxruntime; a test may hand a pass any object that fits.
import type { DataType, Dim, Model, TypedArray } from '@enxuto/ir';

/**
 * A tensor crossing the runtime boundary. `data` is the natural typed array of `dtype`
 * (float16 as raw Uint16Array bits, bool as Uint8Array 0/1, int64 as BigInt64Array).
 */
export interface TensorData {
  dtype: DataType;
  shape: number[];
  data: TypedArray;
}

export interface TensorInfo {
  name: string;
  /** Element type; undefined for non-tensor values (sequences, maps, optionals). */
  dtype: DataType | undefined;
  /** Dimensions: numbers, symbolic names, or null when unknown. Empty when the rank is unknown. */
  shape: Dim[];
}

export interface Session {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  /** Runs the model; `fetches` selects outputs (default: all). */
  run(feeds: Record<string, TensorData>, fetches?: string[]): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** Intra-op threads (ort-node), or wasm threads (ort-web: global, fixed by the first session). */
  threads?: number;
  /** Graph optimization level; default 'all'. */
  optimization?: 'all' | 'basic' | 'none';
  /** A name for the model in error messages (usually its file). */
  name?: string;
}

export type BackendName = 'ort-node' | 'ort-web';

export interface InferenceBackend {
  readonly name: BackendName;
  createSession(model: Model | Uint8Array, opts?: SessionOptions): Promise<Session>;
}
