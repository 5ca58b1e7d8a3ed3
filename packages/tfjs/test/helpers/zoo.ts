// The TF.js graph models of the shared zoo, each with an input made from a real photo the way the
// model expects it (layout, size, dtype, value range: see each model's SOURCE.txt).
import { hwcToChw, imageRgb } from '@enxuto/test-support/images';
import { sharedPath } from '@enxuto/test-support';

export interface ZooInput {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface ZooTfjsModel {
  name: string;
  path: string;
  input: (image: string) => ZooInput;
  /**
   * TF.js backend whose outputs are the reference. wasm is ~5x faster; handtrack needs cpu, the
   * reference kernels: wasm's non-max suppression picks different classes on near-equal scores.
   */
  backend: 'wasm' | 'cpu';
}

const zoo = (name: string, input: (image: string) => ZooInput, backend: 'wasm' | 'cpu' = 'wasm'): ZooTfjsModel => ({
  name,
  path: sharedPath('models', 'zoo', name, `${name}.json`),
  input,
  backend,
});

export const ZOO_TFJS: ZooTfjsModel[] = [
  zoo('movenet-lightning', (f) => ({
    name: 'input',
    dtype: 'int32',
    shape: [1, 192, 192, 3],
    data: Int32Array.from(imageRgb(f, 192)),
  })),
  zoo('blazeface', (f) => ({
    name: 'input',
    dtype: 'float32',
    shape: [1, 256, 256, 3],
    data: Float32Array.from(imageRgb(f, 256), (p) => p / 127.5 - 1),
  })),
  zoo('emotion', (f) => {
    const p = imageRgb(f, 64);
    const gray = Float32Array.from({ length: 64 * 64 }, (_, i) => {
      const y = (0.2989 * p[3 * i]! + 0.587 * p[3 * i + 1]! + 0.114 * p[3 * i + 2]!) / 255;
      return (y - 0.5) * 2;
    });
    return { name: 'input_1', dtype: 'float32', shape: [1, 64, 64, 1], data: gray };
  }),
  zoo(
    'handtrack',
    (f) => ({
      name: 'input_tensor',
      dtype: 'int32',
      shape: [1, 256, 256, 3],
      data: Int32Array.from(imageRgb(f, 256)),
    }),
    'cpu',
  ),
  zoo('nanodet', (f) => ({
    name: 'input_1',
    dtype: 'float32',
    shape: [1, 3, 416, 416],
    data: Float32Array.from(hwcToChw(imageRgb(f, 416), 416), (p) => p / 255),
  })),
];
