// Test support: the official MNIST test digits from shared/data/mnist (idx, gzip). Kept tiny and
// local: @enxuto/pipeline (which has the real dataset readers) depends on this package.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sharedPath } from '@enxuto/test-support';

export interface MnistTest {
  count: number;
  /** count x 784 pixels, 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
}

function idx(file: string, magic: number, headerBytes: number): Uint8Array {
  const bytes = gunzipSync(readFileSync(sharedPath('data', 'mnist', file)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, false) !== magic) throw new Error(`${file}: bad idx magic`);
  return bytes.subarray(headerBytes);
}

export function loadMnistTest(): MnistTest {
  const images = idx('t10k-images-idx3-ubyte.gz', 0x803, 16);
  const labels = idx('t10k-labels-idx1-ubyte.gz', 0x801, 8);
  if (images.length !== labels.length * 784) throw new Error('MNIST image and label counts differ');
  return { count: labels.length, images, labels };
}
