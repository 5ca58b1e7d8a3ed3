// Reading a model from bytes held in memory (a page's picked files, a worker's buffers): ONNX with
// its external data from the files beside it, and TFLite, lowered to the same ONNX-domain IR the
// CLI reads. Other formats are refused by name.
import { detectFormat, HEAD_BYTES } from '@enxuto/formats';
import { type Model, UnsupportedError } from '@enxuto/ir';
import { memoryExternalData, readOnnx } from '@enxuto/onnx';
import { lowerTfliteToOnnx, readTflite } from '@enxuto/tflite';

/** Formats a page reads. */
export const MEMORY_READ_FORMATS = ['onnx', 'tflite'] as const;

/**
 * Reads the model `name` from `bytes`; `files` holds the other files by path, where an ONNX
 * model's external data (its locations are relative to the model's folder) is looked up.
 */
export function readModelBytes(
  bytes: Uint8Array,
  name: string,
  files: Readonly<Record<string, Uint8Array>> = {},
): { model: Model; format: string } {
  const { format } = detectFormat(bytes.subarray(0, HEAD_BYTES), name);
  if (format === 'tflite') return { model: lowerTfliteToOnnx(readTflite(bytes)), format };
  if (format !== 'onnx')
    throw new UnsupportedError(
      `${name} is ${format}: a page reads ${MEMORY_READ_FORMATS.join(' and ')} models so far`,
      {
        code: 'pipeline/not-in-browser',
        file: name,
        field: 'input',
      },
    );
  const dir = name.slice(0, name.lastIndexOf('/') + 1);
  const beside = Object.fromEntries(
    Object.entries(files)
      .filter(([path]) => path !== name && path.startsWith(dir))
      .map(([path, b]) => [path.slice(dir.length), b]),
  );
  return { model: readOnnx(bytes, { file: name, externalData: memoryExternalData(beside) }), format };
}
