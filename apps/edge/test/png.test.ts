import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iconPixels, iconSvg, webManifest } from '../scripts/icons.js';
import { crc32, encodePng } from '../scripts/png.js';

describe('encodePng', () => {
  it('writes signature, IHDR and pixel rows that inflate back to the input', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128]);
    const png = encodePng(2, 1, rgba);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([2, 1, 8, 6]);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    expect([...inflateSync(png.subarray(41, 41 + idatLen))]).toEqual([0, ...rgba]);
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(4))).toThrow(/expected 16 RGBA bytes/);
  });
});

describe('app icon and manifest', () => {
  it('draws teal corners and a white ring', () => {
    const px = iconPixels(100);
    expect([...px.subarray(0, 4)]).toEqual([0x0f, 0x76, 0x6e, 255]);
    const at = (x: number, y: number) => px[(y * 100 + x) * 4];
    expect(at(50, 26)).toBe(255); // top of the ring (radius 24)
    expect(at(50, 50)).toBe(255); // the bar through the middle
    expect(at(50, 38)).toBe(0x0f); // inside the ring, above the bar
    expect(iconSvg()).toContain('<svg');
  });

  it('lists installable icons and a standalone display', () => {
    const m = JSON.parse(webManifest());
    expect(m.display).toBe('standalone');
    expect(m.start_url).toBe('./');
    expect(m.icons.map((i: { sizes: string }) => i.sizes)).toEqual(['192x192', '512x512', 'any']);
  });
});
