// External data from files next to the model, with ONNX's ExternalDataSecurity.md rules, applied
// by @enxuto/io's resolveInside: the resolved real path must stay inside the model's real folder
// (symlinks included), be a regular file with a single link (hardlinks could alias any file on the
// volume), and hold the region. Bytes are read lazily, when a tensor's data is first needed, from
// the file identity checked here (a file swapped since is refused).
import { dirname, resolve } from 'node:path';
import { EnxutoError, FormatError } from '@enxuto/ir';
import { regionFits } from '@enxuto/io';
import { type CheckedFile, readRegion, resolveInside } from '@enxuto/io/node';
import type { ExternalDataResolver } from '../external/resolver.js';

export interface FileExternalDataOptions {
  /** Accept data files with several hard links (default false: refused, they may alias files outside). */
  allowHardlinks?: boolean;
  /** Called with each data file once it is checked (the files the model reads). */
  onFile?: (file: CheckedFile) => void;
}

/** The onnx/external-* codes this package has always used, for the generic path codes. */
const CODES: Readonly<Record<string, string>> = {
  'path/missing': 'onnx/external-missing',
  'path/unsafe': 'onnx/external-escape',
  'path/not-file': 'onnx/external-not-file',
  'path/hardlink': 'onnx/external-hardlink',
  'path/region': 'onnx/external-range',
  'io/changed': 'onnx/external-changed',
};

function relabel(e: unknown, tensor: string): unknown {
  if (!(e instanceof EnxutoError)) return e;
  return new FormatError(e.message, {
    code: CODES[e.code] ?? e.code,
    ...(e.file !== undefined ? { file: e.file } : {}),
    value: tensor,
    field: e.field ?? 'external_data.location',
    cause: e,
  });
}

/** A resolver for the model at `modelPath`: locations are relative to its (real) folder. */
export function fileExternalData(modelPath: string, opts: FileExternalDataOptions = {}): ExternalDataResolver {
  const modelDir = dirname(resolve(modelPath));
  const checked = new Map<string, CheckedFile>();
  const check = (location: string, tensor: string): CheckedFile => {
    const known = checked.get(location);
    if (known) return known;
    let file: CheckedFile;
    try {
      file = resolveInside(modelDir, location, {
        file: modelPath,
        field: 'external_data.location',
        ...(opts.allowHardlinks ? { allowHardlinks: true } : {}),
      });
    } catch (e) {
      throw relabel(e, tensor);
    }
    checked.set(location, file);
    opts.onFile?.(file);
    return file;
  };
  return {
    resolve(req) {
      const file = check(req.location, req.tensor);
      if (!regionFits(req.offset, req.byteLength, file.size)) {
        throw new FormatError(
          `external data [offset ${req.offset}, length ${req.byteLength}] lies outside ${req.location} (${file.size} bytes)`,
          { code: 'onnx/external-range', file: file.path, value: req.tensor, field: 'external_data.offset' },
        );
      }
      return {
        load: () => {
          try {
            return readRegion(file, req.offset, req.byteLength, { field: 'external_data' });
          } catch (e) {
            throw relabel(e, req.tensor);
          }
        },
        source: { path: file.path, offset: req.offset, length: req.byteLength },
      };
    },
  };
}
