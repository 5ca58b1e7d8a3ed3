// readOnnxFile: a model file plus its external data, resolved safely and lazily.
import { DEFAULT_LIMITS, type Limits } from '@enxuto/io';
import { type CheckedFile, checkFile, readWhole, recordSourceFiles } from '@enxuto/io/node';
import { FormatError, type Model } from '@enxuto/ir';
import { readOnnx, type ReadOnnxOptions } from '../read/read-model.js';
import { fileExternalData, type FileExternalDataOptions } from './file-external-data.js';

/** Protobuf messages cannot be 2 GiB or more: weights that big live in external data. */
const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

export interface ReadOnnxFileOptions
  extends Omit<ReadOnnxOptions, 'file' | 'externalData'>,
    Omit<FileExternalDataOptions, 'onFile'> {
  /** Resource limits of @enxuto/io (the largest file read into memory). */
  resourceLimits?: Limits;
}

export function readOnnxFile(path: string, opts: ReadOnnxFileOptions = {}): Model {
  const limits = opts.resourceLimits ?? DEFAULT_LIMITS;
  const file = checkFile(path, { file: path });
  if (file.size > MAX_PROTOBUF_BYTES) {
    throw new FormatError(
      `model file is ${file.size} bytes; protobuf models are below 2 GiB (weights belong in external data)`,
      { code: 'onnx/too-large', file: path },
    );
  }
  const bytes = readWhole(file, { maxBytes: limits.maxFileBytes, option: 'maxFileBytes' }, { file: path });
  const files: CheckedFile[] = [file];
  const externalData = fileExternalData(file.path, { ...opts, onFile: (f) => files.push(f) });
  const model = readOnnx(bytes, { ...opts, file: path, externalData });
  recordSourceFiles(model, files);
  return model;
}
