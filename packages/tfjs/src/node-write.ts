// Writing a TF.js graph model folder through @enxuto/io: every file goes to a temporary file in
// the target folder, then all are renamed into place, shards first and model.json last, so a
// reader never sees a model.json whose shards are missing; a failure removes the temporaries and
// any folder this write created. Folders get the usual mode (0777 less the umask). A non-empty
// target needs `force`; a target holding the input model is refused.
import { join, resolve } from 'node:path';
import {
  checkFolderOutput,
  commit,
  createFolders,
  modelInputs,
  type ProtectedFiles,
  removeEmptyFolders,
  removeQuietly,
  writeTemp,
} from '@enxuto/io/node';
import type { Model } from '@enxuto/ir';
import { writeTfjs, type WriteTfjsOptions } from './write.js';

export interface WriteTfjsModelOptions extends WriteTfjsOptions {
  /** Write into a folder that already holds files (files of the same names are replaced). */
  force?: boolean;
  /** Files no write may replace (the run's inputs); the model's own source files are always added. */
  protect?: ProtectedFiles;
}

export function writeTfjsModel(
  model: Model,
  dir: string,
  opts: WriteTfjsModelOptions = {},
): { files: string[]; bytes: number } {
  const out = resolve(dir);
  const protect = modelInputs(model).addAll(opts.protect ?? []);
  checkFolderOutput(out, { force: opts.force ?? false, protect });
  const { modelJson, shards } = writeTfjs(model, opts);
  const names = [...modelJson.weightsManifest[0]!.paths, 'model.json'];
  const contents = [...shards, new TextEncoder().encode(JSON.stringify(modelJson))];
  const files = names.map((f) => join(out, f));
  for (const f of files) protect.assertWritable(f);
  const created = createFolders(out);
  const temps: { tmp: string; path: string }[] = [];
  try {
    files.forEach((path, i) => temps.push({ tmp: writeTemp(path, contents[i]!), path }));
    commit(temps, { protect });
  } catch (e) {
    for (const t of temps) removeQuietly(t.tmp);
    removeEmptyFolders(created);
    throw e;
  }
  return { files, bytes: contents.reduce((s, c) => s + c.byteLength, 0) };
}
