// The app icon, drawn from the same geometry as SVG and as PNG pixels: a teal square with a
// white ring and bar (an "e", for enxuto) inside the maskable safe zone.
const TEAL = [0x0f, 0x76, 0x6e] as const;

export function iconSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" fill="#0f766e"/>
<circle cx="50" cy="50" r="24" fill="none" stroke="#fff" stroke-width="9"/>
<rect x="26" y="46" width="48" height="8" fill="#fff"/>
<rect x="56" y="54" width="22" height="14" fill="#0f766e"/>
</svg>
`;
}

/** RGBA pixels of the icon at size x size (4x4 supersampled edges). */
export function iconPixels(size: number): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const white = (x: number, y: number): boolean => {
    const r = Math.hypot(x - 50, y - 50);
    const ring = r >= 24 - 4.5 && r <= 24 + 4.5;
    const bar = x >= 26 && x <= 74 && y >= 46 && y <= 54;
    const gap = x >= 56 && x <= 78 && y > 54 && y <= 68;
    return (ring && !gap) || bar;
  };
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let cover = 0;
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 4; i++)
          if (white(((px + (i + 0.5) / 4) * 100) / size, ((py + (j + 0.5) / 4) * 100) / size)) cover++;
      const a = cover / 16;
      const o = (py * size + px) * 4;
      out[o] = Math.round(TEAL[0] + (255 - TEAL[0]) * a);
      out[o + 1] = Math.round(TEAL[1] + (255 - TEAL[1]) * a);
      out[o + 2] = Math.round(TEAL[2] + (255 - TEAL[2]) * a);
      out[o + 3] = 255;
    }
  }
  return out;
}

export function webManifest(): string {
  return `${JSON.stringify(
    {
      name: 'enxuto edge',
      short_name: 'enxuto',
      description: 'Run, benchmark and compare compressed ONNX models on this device, offline.',
      start_url: './',
      scope: './',
      display: 'standalone',
      orientation: 'any',
      background_color: '#f6f7f8',
      theme_color: '#0f766e',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
        { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    null,
    2,
  )}\n`;
}
