// Reading a TF.js model folder from disk: model.json, then each shard through resolveInside (the
// path rules plus symlink/hard-link checks), with sizes checked before anything is allocated.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readRegion, resolveInside } from '@enxuto/io/node';
import { EnxutoError, FormatError, type Model } from '@enxuto/ir';
import { MAX_JSON_BYTES } from './json.js';
import { expectedByteLength } from './manifest.js';
import { parseTfjsModelJson, readTfjs } from './read.js';
import { SOURCE_PATH_KEY } from './node-write.js';

/** Largest total of weight shards read into memory (TF.js itself cannot hold more). */
export const MAX_WEIGHT_BYTES = 2 ** 31 - 1;

/** Reads a TF.js model from its model.json (or the folder holding one). */
export function readTfjsModel(modelJsonPath: string): Model {
  let path = resolve(modelJsonPath);
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'model.json');
  const file = basename(path);
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new FormatError(`${path} is not a file`, { code: 'tfjs/not-file', file });
    if (st.size > MAX_JSON_BYTES) throw new FormatError('model.json too large', { code: 'tfjs/too-large', file });
    const text = readFileSync(path, 'utf8');
    const { json, manifest } = parseTfjsModelJson(text, { file });
    const dir = dirname(path);
    const shards = manifest.groups.flatMap((paths, gi) =>
      paths.map((p, pi) => resolveInside(dir, p, { file, field: `weightsManifest[${gi}].paths[${pi}]` })),
    );
    const total = shards.reduce((s, r) => s + r.size, 0);
    const want = expectedByteLength(manifest);
    if (total > MAX_WEIGHT_BYTES || (!want.hasStrings && total !== want.bytes) || total < want.bytes) {
      throw new FormatError(`weight shards hold ${total} bytes, but the manifest's weights take ${want.bytes}`, {
        code: 'tfjs/shard-size',
        file,
        field: 'weightsManifest',
      });
    }
    const all = new Uint8Array(total);
    let o = 0;
    for (const s of shards) {
      all.set(readRegion(s.path, 0, s.size, { file }), o);
      o += s.size;
    }
    const model = readTfjs(json, all, { file });
    model.extras.set(SOURCE_PATH_KEY, path);
    return model;
  } catch (e) {
    if (e instanceof EnxutoError) throw e.withLocation({ file });
    throw new FormatError(`cannot read ${path}: ${(e as Error).message}`, { code: 'tfjs/io', file, cause: e });
  }
}
