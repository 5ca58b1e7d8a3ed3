// Writing a TF.js graph model folder: every file is written into a fresh temporary folder beside
// the target (atomicWrite), then moved into place, shards first and model.json last, so a reader
// never sees a model.json whose shards are missing. A non-empty target needs `force`; a target
// holding the input model is refused.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { assertNotInput, atomicWrite } from '@enxuto/io/node';
import { ConfigError, type Model } from '@enxuto/ir';
import { writeTfjs, type WriteTfjsOptions } from './write.js';

export interface WriteTfjsModelOptions extends WriteTfjsOptions {
  /** Write into a folder that already holds files (files of the same names are replaced). */
  force?: boolean;
  /** Files the output must never overwrite (the model's source files are added automatically). */
  inputs?: string[];
}

/** Where readTfjsModel found a model, so writing never overwrites it. */
export const SOURCE_PATH_KEY = 'tfjs.sourcePath';

export function writeTfjsModel(
  model: Model,
  dir: string,
  opts: WriteTfjsModelOptions = {},
): { files: string[]; bytes: number } {
  const out = resolve(dir);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory())
      throw new ConfigError(`${out} exists and is not a folder`, { code: 'io/not-folder', file: out, field: 'output' });
    if (readdirSync(out).length > 0 && !opts.force) {
      throw new ConfigError(`output folder ${out} is not empty (use force to write into it)`, {
        code: 'io/not-empty',
        file: out,
        field: 'output',
      });
    }
  }
  const { modelJson, shards } = writeTfjs(model, opts);
  const files = [...modelJson.weightsManifest[0]!.paths, 'model.json'];
  const source = model.extras.get(SOURCE_PATH_KEY);
  const inputs = [...(opts.inputs ?? []), ...(typeof source === 'string' ? [source] : [])];
  for (const f of files) assertNotInput(join(out, f), inputs);

  mkdirSync(dirname(out), { recursive: true });
  const tmp = mkdtempSync(join(dirname(out), `.${basename(out)}.tmp-`));
  let bytes = 0;
  try {
    shards.forEach((s, i) => (bytes += atomicWrite(join(tmp, files[i]!), s)));
    bytes += atomicWrite(join(tmp, 'model.json'), new TextEncoder().encode(JSON.stringify(modelJson)));
    if (!existsSync(out)) {
      renameSync(tmp, out);
    } else {
      for (const f of files) renameSync(join(tmp, f), join(out, f));
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { files: files.map((f) => join(out, f)), bytes };
}
