// JPEG/PNG bytes -> RGBA pixels, with the pixel count checked from the header before decoding
// so a small file claiming a huge image cannot exhaust memory.
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { decode as decodeJpeg } from 'jpeg-js';
import { formatError } from './errors.js';

interface PngModule {
  PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } };
}
// pngjs ships no types and is CommonJS; this is the one API we use from it.
const { PNG } = createRequire(import.meta.url)('pngjs') as PngModule;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface DecodedImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, RGBA. */
  rgba: Uint8Array;
}

export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

export function decodeImage(bytes: Uint8Array, file: string, maxPixels: number): DecodedImage {
  const kind = imageKind(bytes);
  if (!kind)
    throw formatError('not a PNG or JPEG file (unknown magic bytes)', { code: 'data/bad-magic', file, field: 'magic' });
  const decoded = kind === 'png' ? decodePng(bytes, file, maxPixels) : decodeJpg(bytes, file, maxPixels);
  if (decoded.width < 1 || decoded.height < 1 || decoded.rgba.length !== decoded.width * decoded.height * 4) {
    throw formatError(`decoded ${decoded.width}x${decoded.height} image has ${decoded.rgba.length} bytes of pixels`, {
      code: 'data/bad-image',
      file,
      field: 'pixels',
    });
  }
  return decoded;
}

function checkPixels(width: number, height: number, maxPixels: number, file: string): void {
  if (width < 1 || height < 1 || width * height > maxPixels) {
    throw formatError(`image is ${width}x${height}; allowed are 1 to ${maxPixels} pixels (maxPixels)`, {
      code: 'data/image-too-large',
      file,
      field: 'size',
    });
  }
}

function decodePng(bytes: Uint8Array, file: string, maxPixels: number): DecodedImage {
  // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4) depth colour ... interlace.
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw formatError('PNG has no IHDR chunk', { code: 'data/truncated', file, field: 'IHDR' });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16, false);
  const height = view.getUint32(20, false);
  checkPixels(width, height, maxPixels, file);
  // pngjs inflates interlaced images without an output limit: check the IDAT stream ourselves first.
  if (bytes[28] === 1) checkInterlacedInflate(bytes, view, width, height, file);
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return {
      width: png.width,
      height: png.height,
      rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    };
  } catch (cause) {
    throw formatError(`cannot decode PNG: ${(cause as Error).message}`, {
      code: 'data/bad-image',
      file,
      field: 'pixels',
      cause,
    });
  }
}

function checkInterlacedInflate(bytes: Uint8Array, view: DataView, width: number, height: number, file: string): void {
  const idat: Uint8Array[] = [];
  for (let pos = 8; pos + 8 <= bytes.length; ) {
    const length = view.getUint32(pos, false);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (length > bytes.length - pos - 12)
      throw formatError(`PNG chunk ${type} runs past the end of the file`, {
        code: 'data/truncated',
        file,
        field: type,
      });
    if (type === 'IDAT') idat.push(bytes.subarray(pos + 8, pos + 8 + length));
    if (type === 'IEND') break;
    pos += 12 + length;
  }
  // 16-bit RGBA is the widest row; Adam7 adds at most one filter byte per row per pass.
  const limit = height * (width * 8 + 7) + 1024;
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: limit });
  } catch (cause) {
    throw formatError(`PNG pixel data does not inflate within ${limit} bytes: ${(cause as Error).message}`, {
      code: 'data/bad-image',
      file,
      field: 'IDAT',
      cause,
    });
  }
}

function decodeJpg(bytes: Uint8Array, file: string, maxPixels: number): DecodedImage {
  try {
    // jpeg-js checks the frame size against maxResolutionInMP before allocating the pixels.
    const jpg = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: 1024,
    });
    checkPixels(jpg.width, jpg.height, maxPixels, file);
    return { width: jpg.width, height: jpg.height, rgba: jpg.data };
  } catch (cause) {
    if ((cause as { code?: string }).code === 'data/image-too-large') throw cause;
    const message = (cause as Error).message;
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) {
      throw formatError(`JPEG is larger than ${maxPixels} pixels (maxPixels): ${message}`, {
        code: 'data/image-too-large',
        file,
        field: 'size',
        cause,
      });
    }
    throw formatError(`cannot decode JPEG: ${message}`, { code: 'data/bad-image', file, field: 'pixels', cause });
  }
}
