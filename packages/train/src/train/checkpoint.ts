// Training checkpoints: everything a resumed run needs to continue exactly as an uninterrupted
// one would (weights, optimizer slots and step, early-stop bookkeeping, history). Encoded as one
// byte blob so a store can write it atomically; decoding treats the bytes as untrusted.
import { FormatError } from '@enxuto/ir';

export interface EpochStats {
  epoch: number;
  lr: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface Checkpoint {
  /** Hash of what must match for a resume to be exact (model weights layout, data order, optimizer). */
  fingerprint: string;
  /** Completed epochs. */
  epochsDone: number;
  optimizerStep: number;
  history: EpochStats[];
  best?: { epoch: number; metric: number };
  /** Epochs since the best one (early stopping). */
  sinceBest: number;
  /** 'param:<name>', 'slot:<name>/<slot>', 'best:<name>' -> values. */
  tensors: Map<string, Float32Array>;
}

/** Where checkpoints live: in memory, on disk (the Node entry), or anywhere bytes can go. */
export interface CheckpointStore {
  load(): Promise<Uint8Array | undefined>;
  save(bytes: Uint8Array): Promise<void>;
}

const MAGIC = 'ENXCKPT1';
const MAX_HEADER = 64 << 20;

export function memoryCheckpointStore(): CheckpointStore & { bytes?: Uint8Array } {
  const store: CheckpointStore & { bytes?: Uint8Array } = {
    load: async () => store.bytes,
    save: async (b) => {
      store.bytes = b.slice();
    },
  };
  return store;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const entries = [...c.tensors.entries()];
  const header = new TextEncoder().encode(
    JSON.stringify({
      fingerprint: c.fingerprint,
      epochsDone: c.epochsDone,
      optimizerStep: c.optimizerStep,
      history: c.history,
      best: c.best ?? null,
      sinceBest: c.sinceBest,
      tensors: entries.map(([key, data]) => ({ key, length: data.length })),
    }),
  );
  const headerEnd = 12 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const floats = entries.reduce((n, [, d]) => n + d.length, 0);
  const out = new Uint8Array(dataStart + floats * 4);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  const view = new Float32Array(out.buffer, dataStart, floats);
  let at = 0;
  for (const [, d] of entries) {
    view.set(d, at);
    at += d.length;
  }
  return out;
}

function bad(message: string, field?: string): FormatError {
  return new FormatError(`checkpoint: ${message}`, { code: 'train/bad-checkpoint', ...(field ? { field } : {}) });
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('not a checkpoint');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(8, true);
  if (headerLength > MAX_HEADER || 12 + headerLength > bytes.length) throw bad('header length out of range');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Record<string, unknown>;
  } catch (e) {
    throw bad(`header is not JSON (${(e as Error).message})`);
  }
  const int = (k: string) => {
    const v = h[k];
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`${k} must be a non-negative integer`, k);
    return v as number;
  };
  if (typeof h['fingerprint'] !== 'string') throw bad('missing fingerprint', 'fingerprint');
  if (!Array.isArray(h['tensors']) || !Array.isArray(h['history'])) throw bad('missing tensors or history');
  const dataStart = Math.ceil((12 + headerLength) / 4) * 4;
  const available = Math.floor(Math.max(0, bytes.length - dataStart) / 4);
  const tensors = new Map<string, Float32Array>();
  let at = 0;
  for (const t of h['tensors'] as unknown[]) {
    const { key, length } = (t ?? {}) as { key?: unknown; length?: unknown };
    if (typeof key !== 'string' || !Number.isSafeInteger(length) || (length as number) < 0)
      throw bad('bad tensor entry', 'tensors');
    if (at + (length as number) > available) throw bad(`tensor ${key} runs past the end of the file`, key);
    // Copy: the input may be unaligned or reused by the caller.
    const raw = bytes.slice(dataStart + at * 4, dataStart + (at + (length as number)) * 4);
    tensors.set(key, new Float32Array(raw.buffer));
    at += length as number;
  }
  if (bytes.length !== dataStart + at * 4) throw bad('trailing bytes after the last tensor');
  const best = h['best'] as { epoch?: unknown; metric?: unknown } | null;
  return {
    fingerprint: h['fingerprint'] as string,
    epochsDone: int('epochsDone'),
    optimizerStep: int('optimizerStep'),
    history: h['history'] as EpochStats[],
    ...(best && typeof best.epoch === 'number' && typeof best.metric === 'number'
      ? { best: { epoch: best.epoch, metric: best.metric } }
      : {}),
    sinceBest: int('sinceBest'),
    tensors,
  };
}

/** A short stable hash (FNV-1a, 64-bit as two 32-bit halves) of a string. */
export function fingerprintOf(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x0100019d) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
