import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@enxuto/train/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapt, createAdapter, featureLoss } from './feature-adapter.js';
import { seededRandom } from '@enxuto/train';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('feature adapters', () => {
  it('needs none when widths agree, and then the loss is plain MSE', () => {
    const a = createAdapter({ teacher: 't', student: 's' }, [2, 3], [2, 3], seededRandom(1));
    expect(a.weight).toBeUndefined();
    const loss = featureLoss(
      [a],
      {
        s: tf.tensor2d([
          [1, 2, 3],
          [0, 0, 0],
        ]),
      },
      {
        t: tf.tensor2d([
          [1, 2, 5],
          [0, 0, 2],
        ]),
      },
    );
    expect(loss.dataSync()[0]).toBeCloseTo((4 + 4) / 6, 6);
  });

  it('maps a narrower linear feature to the teacher width, weighted', () => {
    const a = createAdapter({ teacher: 't', student: 's', weight: 0.5 }, [4, 3], [4, 5], seededRandom(1));
    expect(a.weight!.shape).toEqual([3, 5]);
    a.weight!.assign(tf.zeros([3, 5]));
    const loss = featureLoss([a], { s: tf.ones([4, 3]) }, { t: tf.fill([4, 5], 2) });
    expect(loss.dataSync()[0]).toBeCloseTo(0.5 * 4, 6);
    a.weight!.dispose();
  });

  it('is a 1x1 convolution for NCHW features', () => {
    const a = createAdapter({ teacher: 't', student: 's' }, [1, 2, 2, 2], [1, 3, 2, 2], seededRandom(1));
    a.weight!.assign(
      tf.tensor2d([
        [1, 0, 2],
        [0, 1, 3],
      ]),
    );
    const s = tf.tensor4d([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    const out = adapt(a, s);
    expect(out.shape).toEqual([1, 3, 2, 2]);
    // channel 2 = 2 * c0 + 3 * c1
    expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 4, 10, 20, 30, 40, 32, 64, 96, 128]);
    a.weight!.dispose();
  });

  it('refuses features of different spatial size or rank', () => {
    expect(() => createAdapter({ teacher: 't', student: 's' }, [1, 2, 4, 4], [1, 3, 2, 2], seededRandom(1))).toThrow(
      /spatial sizes differ/,
    );
    expect(() => createAdapter({ teacher: 't', student: 's' }, [1, 2], [1, 3, 2, 2], seededRandom(1))).toThrow(
      /ranks differ/,
    );
  });
});
