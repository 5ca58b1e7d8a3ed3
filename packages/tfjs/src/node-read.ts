// Reading a TF.js model folder from disk through @enxuto/io: model.json (a regular file, size
// checked), then each shard through resolveInside (the path rules plus symlink/hard-link checks).
// A shard listed twice is refused (it would multiply the bytes materialized without adding any to
// the files), as are more shards than the open-file limit; sizes are checked before allocating.
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '@enxuto/io';
import { type CheckedFile, checkFile, readRegion, readWhole, recordSourceFiles, resolveInside } from '@enxuto/io/node';
import { EnxutoError, FormatError, type Model } from '@enxuto/ir';
import { decodeModelJson, MAX_JSON_BYTES } from './json.js';
import { expectedByteLength } from './manifest.js';
import { parseTfjsModelJson, readTfjs } from './read.js';

/** Largest total of weight shards read into memory (TF.js itself cannot hold more). */
export const MAX_WEIGHT_BYTES = 2 ** 31 - 1;

export interface ReadTfjsModelOptions {
  resourceLimits?: Limits;
}

/** model.json itself, or the model.json inside a folder. */
function modelJsonOf(path: string): string {
  const abs = resolve(path);
  try {
    return statSync(abs).isDirectory() ? join(abs, 'model.json') : abs;
  } catch {
    return abs; // checkFile reports it, typed
  }
}

function checkShards(dir: string, groups: readonly (readonly string[])[], file: string, limits: Limits): CheckedFile[] {
  const count = groups.reduce((s, g) => s + g.length, 0);
  if (count > limits.maxFiles) {
    throw new FormatError(`the manifest lists ${count} shards, more than the ${limits.maxFiles} allowed (maxFiles)`, {
      code: 'tfjs/too-many-shards',
      file,
      field: 'weightsManifest',
    });
  }
  const seen = new Map<string, string>();
  return groups.flatMap((paths, gi) =>
    paths.map((p, pi) => {
      const field = `weightsManifest[${gi}].paths[${pi}]`;
      const shard = resolveInside(dir, p, { file, field });
      const id = `${shard.dev}:${shard.ino}`;
      const first = seen.get(id);
      if (first !== undefined) {
        throw new FormatError(`shard ${p} is the same file as ${first}: a shard may be listed only once`, {
          code: 'tfjs/repeated-shard',
          file,
          field,
        });
      }
      seen.set(id, p);
      return shard;
    }),
  );
}

/** Reads a TF.js model from its model.json (or the folder holding one). */
export function readTfjsModel(modelJsonPath: string, opts: ReadTfjsModelOptions = {}): Model {
  const limits = opts.resourceLimits ?? DEFAULT_LIMITS;
  const path = modelJsonOf(modelJsonPath);
  const file = basename(path);
  try {
    const json = checkFile(path, { file });
    if (json.size > MAX_JSON_BYTES) throw new FormatError('model.json too large', { code: 'tfjs/too-large', file });
    const text = decodeModelJson(readWhole(json, { maxBytes: MAX_JSON_BYTES, option: 'maxFileBytes' }), file);
    const { json: parsed, manifest } = parseTfjsModelJson(text, { file });
    const shards = checkShards(dirname(json.path), manifest.groups, file, limits);
    const total = shards.reduce((s, r) => s + r.size, 0);
    const want = expectedByteLength(manifest);
    if (
      total > Math.min(MAX_WEIGHT_BYTES, limits.maxFileBytes) ||
      (!want.hasStrings && total !== want.bytes) ||
      total < want.bytes
    ) {
      throw new FormatError(`weight shards hold ${total} bytes, but the manifest's weights take ${want.bytes}`, {
        code: 'tfjs/shard-size',
        file,
        field: 'weightsManifest',
      });
    }
    const all = new Uint8Array(total);
    let o = 0;
    for (const s of shards) {
      all.set(readRegion(s, 0, s.size, { file }), o);
      o += s.size;
    }
    const model = readTfjs(parsed, all, { file, resourceLimits: limits, jsonBytes: json.size });
    recordSourceFiles(model, [json, ...shards]);
    return model;
  } catch (e) {
    if (e instanceof EnxutoError) throw e.withLocation({ file });
    throw new FormatError(`cannot read ${path}: ${(e as Error).message}`, { code: 'tfjs/io', file, cause: e });
  }
}
