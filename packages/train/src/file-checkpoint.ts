// Checkpoints on disk (Node only): one file, replaced atomically (temp file + rename), so a run
// killed mid-write leaves the previous checkpoint intact.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from './train/checkpoint.js';

export const CHECKPOINT_FILE = 'train-checkpoint.bin';

export function fileCheckpointStore(dir: string): CheckpointStore {
  const path = join(dir, CHECKPOINT_FILE);
  return {
    async load() {
      try {
        return new Uint8Array(await readFile(path));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async save(bytes) {
      await mkdir(dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        const fh = await open(tmp, 'w');
        try {
          await fh.writeFile(bytes);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, path);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },
  };
}
