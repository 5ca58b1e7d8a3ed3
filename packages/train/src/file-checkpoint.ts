// Checkpoints on disk (Node only), through @enxuto/io: one file, replaced atomically (temp file +
// rename), so a run killed mid-write leaves the previous checkpoint intact; read back as a regular
// file only.
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '@enxuto/io';
import { atomicWrite, createFolders, readFileChecked } from '@enxuto/io/node';
import { isEnxutoError } from '@enxuto/ir';
import type { CheckpointStore } from './train/checkpoint.js';

export const CHECKPOINT_FILE = 'train-checkpoint.bin';

export function fileCheckpointStore(dir: string): CheckpointStore {
  const path = join(dir, CHECKPOINT_FILE);
  return {
    async load() {
      try {
        return readFileChecked(path, { maxBytes: DEFAULT_LIMITS.maxFileBytes, option: 'maxFileBytes' }).bytes;
      } catch (e) {
        if (isEnxutoError(e) && e.code === 'io/not-found') return undefined;
        throw e;
      }
    },
    async save(bytes) {
      createFolders(dir);
      // A checkpoint outlives a stopped run (it is how the run resumes): renamed into place now.
      atomicWrite(path, bytes, { now: true });
    },
  };
}
