// A real TFLite interpreter for tests: builds one native interpreter per model and runs it as
// often as needed (the MNIST tests run 10,000 digits through one instance).
import { loadNativeAddon, nativeLoadError, type NativeInterpreter, type NativeTensorInfo } from './native.js';

export type TfliteTypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** An input for `run`: values plus, optionally, the shape and dtype the model must expect. */
export interface TfliteInput {
  data: ArrayLike<number> | ArrayLike<bigint>;
  shape?: readonly number[];
  dtype?: string;
}

export interface TfliteOutput {
  name: string;
  /** 'float32', 'int16', 'int8', ... as the interpreter names them. */
  dtype: string;
  shape: number[];
  /** A copy, safe to keep after the next run. */
  data: TfliteTypedArray;
}

export interface TfliteTensorSpec {
  name: string;
  dtype: string;
  shape: number[];
}

function shapeOf(t: NativeTensorInfo): number[] {
  return t.shape === '' ? [] : t.shape.split(',').map(Number);
}

function specOf(t: NativeTensorInfo): TfliteTensorSpec {
  return { name: t.name, dtype: t.dataType, shape: shapeOf(t) };
}

/** Whether the native interpreter can be loaded here (false: see `interpreterUnavailableReason`). */
export function interpreterAvailable(): boolean {
  return loadNativeAddon() !== null;
}

export function interpreterUnavailableReason(): string {
  loadNativeAddon();
  return nativeLoadError();
}

export class TfliteInterpreter {
  private constructor(private readonly native: NativeInterpreter) {}

  /** Builds an interpreter for a .tflite file's bytes; throws with TFLite's own message if it rejects them. */
  static load(bytes: Uint8Array, options: { threads?: number } = {}): TfliteInterpreter {
    const addon = loadNativeAddon();
    if (addon === null) throw new Error(`TFLite interpreter unavailable: ${nativeLoadError()}`);
    // The addon reads the whole ArrayBuffer, so hand it an exact-size copy (a Node Buffer is often
    // a view into a larger pool, and Buffer#slice would not copy).
    const copy = new Uint8Array(bytes).buffer;
    return new TfliteInterpreter(new addon.Interpreter(copy, { threads: options.threads ?? 1 }));
  }

  get inputs(): TfliteTensorSpec[] {
    return this.native.getInputs().map(specOf);
  }

  get outputs(): TfliteTensorSpec[] {
    return this.native.getOutputs().map(specOf);
  }

  /** Runs once. Inputs are given in the model's input order and checked against its specs. */
  run(inputs: readonly TfliteInput[]): TfliteOutput[] {
    const slots = this.native.getInputs();
    if (inputs.length !== slots.length) {
      throw new Error(`model has ${slots.length} inputs, got ${inputs.length}`);
    }
    inputs.forEach((input, i) => {
      const slot = slots[i]!;
      const spec = specOf(slot);
      if (input.dtype !== undefined && input.dtype !== spec.dtype) {
        throw new Error(`input ${i} (${spec.name}): model expects ${spec.dtype}, got ${input.dtype}`);
      }
      if (input.shape !== undefined && input.shape.join(',') !== spec.shape.join(',')) {
        throw new Error(`input ${i} (${spec.name}): model expects shape [${spec.shape}], got [${input.shape}]`);
      }
      const target = slot.data();
      if (input.data.length !== target.length) {
        throw new Error(`input ${i} (${spec.name}): model expects ${target.length} values, got ${input.data.length}`);
      }
      (target as { set(a: ArrayLike<number> | ArrayLike<bigint>): void }).set(input.data);
    });
    this.native.infer();
    return this.native.getOutputs().map((t) => ({ ...specOf(t), dtype: t.dataType, data: t.data().slice() }));
  }
}

/** One-shot convenience: load, run once, return the outputs. */
export function runTflite(bytes: Uint8Array, inputs: readonly TfliteInput[]): TfliteOutput[] {
  return TfliteInterpreter.load(bytes).run(inputs);
}
