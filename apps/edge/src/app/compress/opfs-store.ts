// Pass outputs kept in the origin-private file system (OPFS), so a reloaded tab resumes a run from
// its last finished pass. Each entry is <key>.onnx and then <key>.json (written last, holding the
// model's SHA-256): an entry whose record is missing or whose bytes do not hash as recorded is a
// miss. A full disk (QuotaExceededError) turns the store off for the run and says so, rather
// than failing the compression.
import type { CachedStep, Hasher, Logger, StepStore, StoredStep } from '@enxuto/pipeline';

const FOLDER = 'enxuto-pass-cache';

interface Record_ {
  key: string;
  changed: boolean;
  stats: Record<string, unknown>;
  sha256: string;
}

export function isQuotaError(e: unknown): boolean {
  return (e as { name?: string })?.name === 'QuotaExceededError';
}

export class OpfsStepStore implements StepStore {
  private disabled = false;

  private constructor(
    private readonly dir: FileSystemDirectoryHandle,
    private readonly hash: Hasher,
    private readonly logger: Logger,
  ) {}

  /** The store, or undefined where the browser has no OPFS. */
  static async open(hash: Hasher, logger: Logger): Promise<OpfsStepStore | undefined> {
    try {
      const root = await navigator.storage.getDirectory();
      return new OpfsStepStore(await root.getDirectoryHandle(FOLDER, { create: true }), hash, logger);
    } catch {
      return undefined;
    }
  }

  private async read(name: string): Promise<Uint8Array | undefined> {
    try {
      const file = await (await this.dir.getFileHandle(name)).getFile();
      return new Uint8Array(await file.arrayBuffer());
    } catch {
      return undefined;
    }
  }

  private async write(name: string, bytes: Uint8Array): Promise<void> {
    const w = await (await this.dir.getFileHandle(name, { create: true })).createWritable();
    try {
      await w.write(bytes as BufferSource);
      await w.close();
    } catch (e) {
      await w.abort().catch(() => undefined);
      throw e;
    }
  }

  async get(key: string): Promise<StoredStep | undefined> {
    const meta = await this.read(`${key}.json`);
    const model = await this.read(`${key}.onnx`);
    if (!meta || !model) return undefined;
    try {
      const r = JSON.parse(new TextDecoder().decode(meta)) as Record_;
      if (r.key !== key || typeof r.changed !== 'boolean' || (await this.hash(model)) !== r.sha256) return undefined;
      return { changed: r.changed, stats: r.stats ?? {}, modelBytes: model };
    } catch {
      return undefined;
    }
  }

  async put(key: string, step: CachedStep): Promise<void> {
    if (this.disabled) return;
    const record: Record_ = { key, changed: step.changed, stats: step.stats, sha256: await this.hash(step.modelBytes) };
    try {
      await this.write(`${key}.onnx`, step.modelBytes);
      await this.write(`${key}.json`, new TextEncoder().encode(JSON.stringify(record)));
    } catch (e) {
      if (!isQuotaError(e)) throw e;
      this.disabled = true;
      await this.dir.removeEntry(`${key}.onnx`).catch(() => undefined);
      this.logger.warn(
        `storage quota reached: pass outputs are no longer cached (a reload will start over); free space in the browser's site settings`,
      );
    }
  }

  /** Removes every entry (the view's "clear cache"). */
  static async clear(): Promise<void> {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
  }
}
