// External data from files next to the model, with ONNX's ExternalDataSecurity.md rules: the
// resolved real path must stay inside the model's real folder (symlinks included), be a regular
// file with a single link (hardlinks could alias any file on the volume), and hold the region.
// Bytes are read lazily, when a tensor's data is first needed.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { regionFits } from '../external/location.js';
import type { ExternalDataRequest, ExternalDataResolver } from '../external/resolver.js';

export interface FileExternalDataOptions {
  /** Accept data files with several hard links (default false: refused, they may alias files outside). */
  allowHardlinks?: boolean;
}

interface CheckedFile {
  path: string;
  dev: number;
  ino: number;
  size: number;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function fail(
  code: string,
  message: string,
  req: ExternalDataRequest,
  file: string,
  field = 'external_data.location',
): FormatError {
  return new FormatError(message, { code, file, value: req.tensor, field });
}

/** Reads `length` bytes at `offset` of a file checked earlier, refusing if it changed since. */
export function readRegion(file: CheckedFile, offset: number, length: number): Uint8Array {
  const fd = openSync(file.path, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (st.ino !== file.ino || st.dev !== file.dev || st.size !== file.size) {
      throw new FormatError(`external data file ${file.path} changed after the model was read`, {
        code: 'onnx/external-changed',
        file: file.path,
      });
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0)
        throw new FormatError(`external data file ${file.path} ended early`, {
          code: 'onnx/external-range',
          file: file.path,
        });
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** A resolver for the model at `modelPath`: locations are relative to its (real) folder. */
export function fileExternalData(modelPath: string, opts: FileExternalDataOptions = {}): ExternalDataResolver {
  const modelDir = realpathSync(dirname(resolve(modelPath)));
  const checked = new Map<string, CheckedFile>();

  const check = (req: ExternalDataRequest): CheckedFile => {
    const cached = checked.get(req.location);
    if (cached) return cached;
    const target = join(modelDir, req.location);
    let real: string;
    let st: Stats;
    try {
      real = realpathSync(target);
      st = statSync(real);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw fail('onnx/external-missing', `external data file ${req.location} does not exist`, req, target);
      throw fail(
        'onnx/external-unreadable',
        `external data file ${req.location} cannot be resolved (${code ?? 'error'})`,
        req,
        target,
      );
    }
    if (!real.startsWith(modelDir + sep)) {
      throw fail(
        'onnx/external-escape',
        `external data ${req.location} resolves outside the model folder (through a symlink)`,
        req,
        target,
      );
    }
    if (!st.isFile())
      throw fail('onnx/external-not-file', `external data ${req.location} is not a regular file`, req, target);
    // Open and re-check what was opened: the path could have been swapped since realpath.
    const fd = openSync(real, OPEN_FLAGS);
    let fst: Stats;
    try {
      fst = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev) {
      throw fail(
        'onnx/external-changed',
        `external data file ${req.location} changed while being checked`,
        req,
        target,
      );
    }
    if (fst.nlink > 1 && !opts.allowHardlinks) {
      throw fail(
        'onnx/external-hardlink',
        `external data file ${req.location} has ${fst.nlink} hard links (it may alias a file outside the model folder)`,
        req,
        target,
      );
    }
    const file = { path: real, dev: fst.dev, ino: fst.ino, size: fst.size };
    checked.set(req.location, file);
    return file;
  };

  return {
    resolve(req) {
      const file = check(req);
      if (!regionFits(req.offset, req.byteLength, file.size)) {
        throw fail(
          'onnx/external-range',
          `external data [offset ${req.offset}, length ${req.byteLength}] lies outside ${req.location} (${file.size} bytes)`,
          req,
          file.path,
          'external_data.offset',
        );
      }
      return {
        load: () => readRegion(file, req.offset, req.byteLength),
        source: { path: file.path, offset: req.offset, length: req.byteLength },
      };
    },
  };
}
