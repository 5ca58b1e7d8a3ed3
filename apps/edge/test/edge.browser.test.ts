// The built edge app in Debian Chromium: it loads, works offline, classifies drawn MNIST digits,
// benchmarks, compares two models, and fits a 360-px phone screen without console errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot, sharedPath, tempDir } from '@enxuto/test-support';
import { launchChromiumContext } from '@enxuto/test-support/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeApp, type BundledModel } from '../scripts/build-app.js';
import { serveEdge, type EdgeServer } from '@enxuto/cli/serve-edge';
import { inkRuns, mnistTestDigits } from './mnist-digits.js';
import { genericModel, imageModel, quantizedMnist } from './test-models.js';
import { encodePng } from '../scripts/png.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'edge');

const tmp = tempDir('enxuto-edge-e2e-');
const profiles: string[] = [];
let served: EdgeServer;
let second: BundledModel;
let builtFiles: string[] = [];
const errors: string[] = [];

async function launch(options: Parameters<typeof launchChromiumContext>[1] = {}): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'enxuto-edge-profile-'));
  profiles.push(profile);
  return launchChromiumContext(profile, options);
}

function watchErrors(page: Page, label: string): void {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${label}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
}

async function openApp(page: Page): Promise<void> {
  await page.goto(served.urls[0]!);
  await page.waitForFunction(
    () =>
      document.body.dataset.ready === 'true' &&
      document.body.dataset.busy === 'false' &&
      !!document.getElementById('model-info')?.dataset.model,
  );
}

async function selectModel(page: Page, id: string): Promise<void> {
  await page.selectOption('#model-select', id);
  await page.waitForFunction(
    (m) => document.getElementById('model-info')?.dataset.model === m && document.body.dataset.busy === 'false',
    id,
  );
}

type Stroke = (from: [number, number], to: [number, number]) => Promise<void>;

const mouseStroke =
  (page: Page): Stroke =>
  async ([x0, y0], [x1, y1]) => {
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x1, y1, { steps: 2 });
    await page.mouse.up();
  };

/** Finger strokes as real touch input (CDP), which Chromium turns into touch pointer events. */
async function touchStroke(page: Page, ctx: BrowserContext): Promise<Stroke> {
  const cdp = await ctx.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x, y, radiusX: 4, radiusY: 4, force: 1, id: 1 }],
    });
  return async ([x0, y0], [x1, y1]) => {
    await touch('touchStart', x0, y0);
    await touch('touchMove', (x0 + x1) / 2, (y0 + y1) / 2);
    await touch('touchMove', x1, y1);
    await touch('touchEnd', x1, y1);
  };
}

/** Traces a digit on the pad as strokes along its rows of ink, then returns the class shown. */
async function drawDigit(page: Page, pixels: Uint8Array, stroke: Stroke = mouseStroke(page)): Promise<number> {
  await page.click('#pad-clear');
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  const cell = box.width / 28;
  const before = Number((await page.locator('#pad').getAttribute('data-strokes')) ?? '0');
  const runs = inkRuns(pixels);
  for (const [y, x0, x1] of runs) {
    const cy = box.y + (y + 0.5) * cell;
    await stroke([box.x + (x0 + 0.5) * cell, cy], [box.x + (x1 + 0.5) * cell, cy]);
  }
  const strokes = before + runs.length;
  await page.waitForFunction(
    (n) => document.getElementById('result')?.dataset.seq === String(n) && document.body.dataset.busy === 'false',
    strokes,
  );
  return Number(await page.locator('#result').getAttribute('data-top1'));
}

beforeAll(async () => {
  const fp32 = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
  second = quantizedMnist(fp32, tmp.path);
  const models: BundledModel[] = [
    { id: 'mnist-fp32', name: 'MNIST fp32 (onnx-mnist-8)', path: fp32, precision: 'fp32', pixelRange: 255 },
    second,
    genericModel(tmp.path),
    imageModel(tmp.path),
  ];
  const app = await buildEdgeApp({ outDir: join(tmp.path, 'web'), models, logLevel: 'error' });
  builtFiles = app.files;
  served = await serveEdge({ dir: app.outDir, port: 0, host: '127.0.0.1' });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await served?.close();
  tmp.cleanup();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

describe('edge app (desktop Chromium)', () => {
  let ctx: BrowserContext;
  let page: Page;
  const digits = mnistTestDigits([0, 1, 2, 3]);

  beforeAll(async () => {
    ctx = await launch({ viewport: { width: 1280, height: 900 } });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    watchErrors(page, 'desktop');
    await openApp(page);
  });
  afterAll(async () => ctx?.close());

  it('is cross-origin isolated and lists the bundled models', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const options = await page
      .locator('#model-select option')
      .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(options).toEqual(['mnist-fp32', second.id, 'generic', 'image-rgb']);
    expect(await page.locator('#caps').textContent()).toContain('cross-origin isolated');
    // --disable-gpu: no WebGPU adapter, so the choice is offered but disabled.
    expect(await page.locator('#backend option[value="webgpu"]').isDisabled()).toBe(true);
    expect(await page.locator('#backend').inputValue()).toBe('wasm');
  });

  it('ships an installable manifest, its icons, and precaches the runtime and models', async () => {
    const manifest = await page.evaluate(async () => {
      const m = await (await fetch('manifest.webmanifest')).json();
      const icons = [];
      for (const i of m.icons) {
        const r = await fetch(i.src);
        icons.push([i.src, r.status, r.headers.get('content-type')]);
      }
      return { name: m.name, icons };
    });
    expect(manifest.name).toBe('enxuto edge');
    expect(manifest.icons).toEqual([
      ['icons/icon-192.png', 200, 'image/png'],
      ['icons/icon-512.png', 200, 'image/png'],
      ['icons/icon.svg', 200, 'image/svg+xml'],
    ]);
    for (const f of [
      'index.html',
      'ort/ort-wasm-simd-threaded.jsep.wasm',
      'ort/ort-wasm-simd-threaded.jsep.mjs',
      'models/models.json',
      'models/mnist-fp32/model.onnx',
      `models/${second.id}/model.onnx`,
      'sw.js',
    ]) {
      expect(builtFiles).toContain(f);
    }
  });

  it('classifies traced MNIST test digits with the fp32 model', async () => {
    for (const d of digits) expect(await drawDigit(page, d.pixels), `test digit #${d.index}`).toBe(d.label);
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-digit.png'), fullPage: true });
  });

  it('classifies them with the int8 model too', async () => {
    await selectModel(page, second.id);
    for (const d of digits) expect(await drawDigit(page, d.pixels), `test digit #${d.index}`).toBe(d.label);
    await selectModel(page, 'mnist-fp32');
  });

  it('runs any other model on generated tensors of its shapes', async () => {
    await selectModel(page, 'generic');
    expect(await page.locator('#input-generic').isVisible()).toBe(true);
    expect(await page.locator('#input-mnist').isVisible()).toBe(false);
    expect(await page.locator('#generic-shapes').textContent()).toBe('features: float32[1, 6]');
    const seq = await page.locator('#result').getAttribute('data-seq');
    await page.evaluate(() => document.getElementById('result')!.removeAttribute('data-top1'));
    await page.click('#generic-run');
    await page.waitForFunction(
      () => document.getElementById('result')!.hasAttribute('data-top1') && document.body.dataset.busy === 'false',
    );
    const top1 = Number(await page.locator('#result').getAttribute('data-top1'));
    expect(top1).toBeGreaterThanOrEqual(0);
    expect(top1).toBeLessThan(4);
    expect(await page.locator('#result .topk li').count()).toBe(4);
    expect(await page.locator('#result').getAttribute('data-seq')).toBe(seq);
    await selectModel(page, 'mnist-fp32');
  });

  it('resizes and normalizes a photo for an image model', async () => {
    await selectModel(page, 'image-rgb');
    expect(await page.locator('#input-image').isVisible()).toBe(true);
    // A 40x30 picture, mostly green: the model's top class is its dominant channel (1).
    const rgba = new Uint8Array(40 * 30 * 4);
    for (let i = 0; i < 40 * 30; i++) rgba.set(i % 7 === 0 ? [250, 0, 0, 255] : [20, 200, 40, 255], i * 4);
    const photo = join(tmp.path, 'green.png');
    writeFileSync(photo, encodePng(40, 30, rgba));
    await page.evaluate(() => document.getElementById('result')!.removeAttribute('data-top1'));
    await page.locator('#image-file').setInputFiles(photo);
    await page.waitForFunction(
      () => document.getElementById('result')!.hasAttribute('data-top1') && document.body.dataset.busy === 'false',
    );
    expect(await page.locator('#result').getAttribute('data-top1')).toBe('1');
    expect(
      await page
        .locator('#image-preview')
        .evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]),
    ).toEqual([16, 16]);
    await selectModel(page, 'mnist-fp32');
  });

  it('opens a model file from the device', async () => {
    await page.locator('#model-file').setInputFiles(second.path);
    await page.waitForFunction(
      () =>
        document.getElementById('model-info')?.dataset.model?.startsWith('file-') &&
        document.body.dataset.busy === 'false',
    );
    expect(await page.locator('#model-info').textContent()).toMatch(
      /^mnist-8\.int8\.onnx: [\d.]+ KiB · inputs Input3 float32\[1×1×28×28\]/,
    );
    const options = await page.locator('#model-select option').allTextContents();
    expect(options.filter((o) => /^mnist-8\.int8\.onnx \([\d.]+ KiB, file\)$/.test(o))).toHaveLength(1);
    await selectModel(page, 'mnist-fp32');
  });

  it('loads a model from a same-origin URL and refuses another origin', async () => {
    await page.fill('#model-url', 'https://example.com/model.onnx');
    await page.click('#url-form button');
    await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'));
    expect(await page.locator('#status').textContent()).toContain('edge/cross-origin');
    await page.fill('#model-url', 'models/mnist-fp32/model.onnx');
    await page.click('#url-form button');
    await page.waitForFunction(
      () =>
        document.getElementById('model-info')?.dataset.model?.startsWith('url-') &&
        document.body.dataset.busy === 'false',
    );
    expect(await page.locator('#model-info').textContent()).toContain('model.onnx: 25.8 KiB');
    expect(await page.locator('#compare-b option').allTextContents()).toContain('model.onnx (25.8 KiB, url)');
    await selectModel(page, 'mnist-fp32');
  });

  it('shows benchmark numbers', async () => {
    await page.fill('#bench-warmup', '2');
    await page.fill('#bench-runs', '15');
    await page.click('#bench-run');
    await page.waitForSelector('#bench-out[data-p50]');
    const p50 = Number(await page.locator('#bench-out').getAttribute('data-p50'));
    const throughput = Number(await page.locator('#bench-out').getAttribute('data-throughput'));
    expect(p50).toBeGreaterThan(0);
    expect(throughput).toBeGreaterThan(0);
    const text = (await page.locator('#bench-out').textContent()) ?? '';
    expect(text).toMatch(/p50 latency[\d.]+ ms/);
    expect(text).toMatch(/p95 latency[\d.]+ ms/);
    expect(text).toContain('15 (+2 warm-up)');
  });

  it('compares the two models side by side on the same inputs', async () => {
    await page.selectOption('#compare-a', 'mnist-fp32');
    await page.selectOption('#compare-b', second.id);
    await page.fill('#compare-samples', '6');
    await page.fill('#compare-runs', '5');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-out[data-agreement]');
    const head = await page.locator('[data-testid="compare-models"] thead th').allTextContents();
    expect(head).toEqual(['', 'A: MNIST fp32 (onnx-mnist-8)', `B: ${second.name}`]);
    const [sizeA, sizeB] = (await page.locator('#compare-out').getAttribute('data-sizes'))!.split(',').map(Number);
    expect(sizeB!).toBeLessThan(sizeA! / 2); // int8 weights: well under half the fp32 file
    const agreement = Number(await page.locator('#compare-out').getAttribute('data-agreement'));
    expect(agreement).toBeGreaterThanOrEqual(5 / 6);
    const diffText = (await page.locator('[data-testid="compare-diff"]').textContent()) ?? '';
    expect(diffText).toContain('top-1 agreement');
    expect(diffText).toMatch(/max \|Δ output\|\d/);
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-compare.png'), fullPage: true });
  });

  it('still loads and runs with the network cut (service worker cache)', async () => {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await ctx.setOffline(true);
    try {
      await page.reload();
      await page.waitForFunction(
        () =>
          document.body.dataset.ready === 'true' &&
          document.getElementById('model-info')?.dataset.model === 'mnist-fp32' &&
          document.body.dataset.busy === 'false',
      );
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      expect(await drawDigit(page, digits[0]!.pixels)).toBe(digits[0]!.label);
      await page.screenshot({ path: join(ARTIFACTS, 'desktop-offline.png') });
    } finally {
      await ctx.setOffline(false);
    }
  });
});

describe('edge app (phone emulation, 360x740)', () => {
  let ctx: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ctx = await launch({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    watchErrors(page, 'mobile');
    await openApp(page);
  });
  afterAll(async () => ctx?.close());

  it('has no horizontal scrolling and every control is reachable', async () => {
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.client).toBe(360);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const controls = page.locator('main select:visible, main button:visible, main input:visible');
    const n = await controls.count();
    expect(n).toBeGreaterThan(8);
    for (let i = 0; i < n; i++) {
      const c = controls.nth(i);
      await c.scrollIntoViewIfNeeded();
      const b = (await c.boundingBox())!;
      expect(b.x, `control ${i} left edge`).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width, `control ${i} right edge`).toBeLessThanOrEqual(360);
      expect(b.height, `control ${i} touch height`).toBeGreaterThanOrEqual(40);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'mobile-top.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'mobile-full.png'), fullPage: true });
  });

  it('draws with a finger (touch events) and classifies', async () => {
    const [d] = mnistTestDigits([4]);
    await page.evaluate(() => {
      const pad = document.getElementById('pad')!;
      pad.addEventListener('pointerdown', (e) => (pad.dataset.pointerType = e.pointerType));
    });
    expect(await drawDigit(page, d!.pixels, await touchStroke(page, ctx))).toBe(d!.label);
    expect(await page.locator('#pad').getAttribute('data-pointer-type')).toBe('touch');
    await page.screenshot({ path: join(ARTIFACTS, 'mobile-digit.png') });
    const widths = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(widths).toBeLessThanOrEqual(360);
  });
});

describe('console', () => {
  it('had no errors in any page', () => {
    expect(errors).toEqual([]);
  });
});
