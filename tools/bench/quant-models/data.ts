// The benchmark's real data: the shared photos split into calibration and evaluation by base photo
// (crops of one photo are near-duplicates), decoded and preprocessed per model; the speech clips as
// 512-sample chunks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyImagePlan, planImage, type Preprocess, preprocessSchema, rgbaToFloat } from '@enxuto/pipeline';
import { decodeImage } from '@enxuto/pipeline/node';
import { sharedPath } from '@enxuto/test-support';

export interface PhotoSplit {
  calibration: string[];
  evaluation: string[];
}

/** `coral-cat-720p-3.jpg` -> `coral-cat-720p`. */
export function baseOf(file: string): string {
  return file.replace(/-\d+\.jpg$/, '');
}

/** Every fourth base photo (sorted by name) calibrates; the others evaluate. */
export function splitPhotos(dir = sharedPath('data', 'images')): PhotoSplit {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const bases = [...new Set(files.map(baseOf))].sort();
  const calibrationBases = new Set(bases.filter((_, i) => i % 4 === 0));
  const path = (f: string) => join(dir, f);
  return {
    calibration: files.filter((f) => calibrationBases.has(baseOf(f))).map(path),
    evaluation: files.filter((f) => !calibrationBases.has(baseOf(f))).map(path),
  };
}

export interface ImageInput {
  color: 'rgb' | 'grayscale';
  preprocess: Partial<Preprocess>;
  /** Feed as int32 0..255 pixels (models that take raw pixels). */
  int32?: boolean;
}

/** One photo as a model input sample (without batch dim), by the model's own preprocessing. */
export function photoSample(file: string, spec: ImageInput): Float32Array {
  const img = decodeImage(new Uint8Array(readFileSync(file)), file, 40_000_000);
  const channels = spec.color === 'rgb' ? 3 : 1;
  const data = rgbaToFloat(img.rgba, img.width, img.height, spec.color);
  const pre = preprocessSchema.parse(spec.preprocess);
  const plan = planImage(pre, { height: img.height, width: img.width, channels });
  return applyImagePlan({ width: img.width, height: img.height, channels, data }, plan, file);
}

/** 16-bit PCM mono WAV -> samples in [-1, 1]. */
export function readWav(file: string): Float32Array {
  const b = readFileSync(file);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'data') {
      const n = Math.floor(size / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(off + 8 + 2 * i) / 32768;
      return out;
    }
    off += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** The speech and noise clips, each cut into 512-sample chunks (16 kHz). */
export function audioClips(dir = sharedPath('data', 'audio')): { name: string; chunks: Float32Array[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => {
      const s = readWav(join(dir, f));
      const chunks: Float32Array[] = [];
      for (let i = 0; i + 512 <= s.length; i += 512) chunks.push(s.subarray(i, i + 512));
      return { name: f, chunks };
    });
}
