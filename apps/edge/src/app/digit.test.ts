import { describe, expect, it } from 'vitest';
import { inkBounds, mnistFromInk } from './digit.js';

/** A w x h canvas with a filled rectangle of ink. */
function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const a = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * w + x] = 1;
  return a;
}

function centreOfMass(d: Float32Array): [number, number] {
  let m = 0,
    cx = 0,
    cy = 0;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) {
      const v = d[y * 28 + x]!;
      m += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  return [cx / m, cy / m];
}

describe('mnistFromInk', () => {
  it('returns null for a blank canvas', () => {
    expect(mnistFromInk(new Float32Array(280 * 280), 280, 280)).toBeNull();
    expect(inkBounds(new Float32Array(4), 2, 2)).toBeNull();
  });

  it('scales the longer side of the ink to 20 px, keeping the aspect ratio', () => {
    // A 40 x 200 bar in the top-left corner of a 280 x 280 canvas: 4 x 20 after scaling.
    const d = mnistFromInk(rect(280, 280, 10, 30, 50, 230), 280, 280)!;
    const box = inkBounds(d, 28, 28)!;
    expect(box.y1 - box.y0).toBe(20);
    expect(box.x1 - box.x0).toBe(4);
  });

  it('centres the digit by its mass at (14, 14), wherever it was drawn', () => {
    const d = mnistFromInk(rect(280, 280, 200, 200, 270, 260), 280, 280)!;
    const [cx, cy] = centreOfMass(d);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...d)).toBeCloseTo(1, 5);
  });

  it('area-averages partial coverage and ignores faint fringe', () => {
    const ink = rect(100, 100, 0, 0, 100, 50);
    ink[99 * 100 + 99] = 0.04; // below the threshold: not part of the bounding box
    const d = mnistFromInk(ink, 100, 100)!;
    const box = inkBounds(d, 28, 28)!;
    expect([box.x1 - box.x0, box.y1 - box.y0]).toEqual([20, 10]);
  });
});
