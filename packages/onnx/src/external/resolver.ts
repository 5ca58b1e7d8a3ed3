// How readOnnx finds tensor bytes stored outside the model file. The browser-safe entry knows only
// this interface; `@enxuto/onnx/node` provides the file-system implementation.
import { FormatError } from '@enxuto/ir';
import { regionFits, type ExternalDataRef } from './location.js';

export interface ExternalDataRequest extends ExternalDataRef {
  /** Bytes the tensor needs (dims x dtype); `length`, when given, was checked to equal it. */
  byteLength: number;
  /** Name of the tensor, for messages. */
  tensor: string;
}

export interface ExternalDataResolver {
  /**
   * Checks that the region exists and returns its bytes, or a loader called when the tensor's
   * bytes are first needed (so big weights stay on disk). Throws a FormatError naming the file
   * and tensor when the region is not readable.
   */
  resolve(req: ExternalDataRequest): Uint8Array | ExternalDataLoader;
}

export interface ExternalDataLoader {
  load(): Uint8Array;
  /** Where the bytes live, for writers that copy file regions without loading them. */
  source?: { path: string; offset: number; length: number };
}

/**
 * A resolver over files already in memory (browser uploads, tests): `files` maps a normalized
 * relative location ('weights.bin') to its bytes. Returned bytes are views, not copies.
 */
export function memoryExternalData(
  files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>,
): ExternalDataResolver {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    resolve(req) {
      const data = map.get(req.location);
      if (data === undefined) {
        throw new FormatError(`external data file ${req.location} is missing`, {
          code: 'onnx/external-missing',
          file: req.location,
          value: req.tensor,
          field: 'external_data.location',
        });
      }
      if (!regionFits(req.offset, req.byteLength, data.byteLength)) {
        throw new FormatError(
          `external data [${req.offset}, +${req.byteLength}) lies outside ${req.location} (${data.byteLength} bytes)`,
          { code: 'onnx/external-range', file: req.location, value: req.tensor, field: 'external_data.offset' },
        );
      }
      return data.subarray(req.offset, req.offset + req.byteLength);
    },
  };
}
