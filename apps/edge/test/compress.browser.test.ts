// The Compress view in Debian Chromium: open the shared onnx-mnist-8 through the page's file input,
// run a preset pipeline in the worker, and check that the downloaded model is byte for byte what
// `enxuto run` writes for the same pipeline and seed, and that onnxruntime-web runs it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot, sharedPath, tempDir } from '@enxuto/test-support';
import { launchChromiumContext } from '@enxuto/test-support/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveEdge, type EdgeServer } from '@enxuto/cli/serve-edge';
import { buildEdgeApp } from '../scripts/build-app.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'edge');
const tmp = tempDir('enxuto-edge-compress-');
const profiles: string[] = [];
let served: EdgeServer;
const errors: string[] = [];
const requests: string[] = [];
const MNIST = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
const FACE = sharedPath('models', 'zoo', 'face_detection_short_range', 'face_detection_short_range.tflite');

/** What `enxuto run` writes for `yaml` (its input and output moved into the temp folder by --set). */
function cliOutput(yaml: string, name: string, args: string[] = []): Uint8Array {
  const pipeline = join(tmp.path, `${name}.pipeline.yaml`);
  const out = join(tmp.path, `${name}.cli.onnx`);
  writeFileSync(pipeline, yaml);
  const cli = join(repoRoot, 'packages', 'cli', 'src', 'main.ts');
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      cli,
      'run',
      pipeline,
      '--no-cache',
      '--set',
      `input=${MNIST}`,
      '--set',
      `outputs.0=${out}`,
      ...args,
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 },
  );
  if (run.status !== 0) throw new Error(`enxuto run failed with ${run.status}:\n${run.stderr}`);
  return new Uint8Array(readFileSync(out));
}

async function openCompress(page: Page): Promise<void> {
  await page.goto(`${served.urls[0]!}#compress`);
  await page.waitForFunction(
    () => document.body.dataset.ready === 'true' && document.getElementById('compress-view')!.dataset.ready === 'true',
  );
  expect(await page.locator('#compress-view').isVisible()).toBe(true);
  expect(await page.locator('#run-view').isVisible()).toBe(false);
}

async function runAndWait(page: Page): Promise<string> {
  await page.click('[data-testid=compress-run]');
  await page.waitForFunction(() => document.getElementById('compress-view')!.dataset.state !== 'running', null, {
    timeout: 180_000,
  });
  return (await page.locator('#compress-view').getAttribute('data-state')) ?? '';
}

/** The bytes behind the download link, read in the page. */
async function downloaded(page: Page): Promise<Uint8Array> {
  const bytes = await page.evaluate(async () => {
    const a = document.querySelector<HTMLAnchorElement>('[data-testid=compress-download]')!;
    return [...new Uint8Array(await (await fetch(a.href)).arrayBuffer())];
  });
  return new Uint8Array(bytes);
}

beforeAll(async () => {
  const app = await buildEdgeApp({ outDir: join(tmp.path, 'web'), models: [], logLevel: 'error' });
  served = await serveEdge({ dir: app.outDir, port: 0, host: '127.0.0.1' });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await served?.close();
  tmp.cleanup();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

describe('Compress view (desktop Chromium)', () => {
  let ctx: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const profile = mkdtempSync(join(tmpdir(), 'enxuto-compress-profile-'));
    profiles.push(profile);
    ctx = await launchChromiumContext(profile, { viewport: { width: 1280, height: 900 } });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await openCompress(page);
  });
  afterAll(async () => ctx?.close());

  it('summarizes an opened ONNX file and pre-fills a valid pipeline', async () => {
    await page.setInputFiles('[data-testid=compress-model]', MNIST);
    await page.waitForFunction(() => document.getElementById('compress-summary')!.dataset.format === 'onnx');
    const summary = await page.locator('[data-testid=compress-summary]').textContent();
    expect(summary).toContain('Input3 float32[1×1×28×28]');
    expect(summary).toContain('Conv ×2');
    expect(await page.locator('[data-testid=compress-validation]').getAttribute('data-valid')).toBe('true');
    expect(await page.locator('[data-testid=compress-pipeline]').inputValue()).toContain('quantize-dynamic');
  });

  it('names the field of a pipeline error as it is typed', async () => {
    const area = page.locator('[data-testid=compress-pipeline]');
    const good = await area.inputValue();
    await area.fill(good.replace('quantize-dynamic', '{ type: quantize-static, options: { perChanel: true } }'));
    await page.waitForFunction(() => document.getElementById('compress-validation')!.dataset.valid === 'false');
    const v = page.locator('[data-testid=compress-validation]');
    expect(await v.getAttribute('data-field')).toMatch(/^passes\.0/);
    expect(await v.textContent()).toContain('perChanel');
    await area.fill(good);
    await page.waitForFunction(() => document.getElementById('compress-validation')!.dataset.valid === 'true');
  });

  it('runs dynamic int8 in the worker: the same bytes as enxuto run, and onnxruntime-web runs them', async () => {
    const yaml = await page.locator('[data-testid=compress-pipeline]').inputValue();
    expect(await runAndWait(page), (await page.locator('#compress-status').textContent()) ?? '').toBe('done');
    const steps = await page.locator('[data-testid=compress-steps] li').allTextContents();
    expect(steps.some((s) => s.includes('quantize-dynamic'))).toBe(true);
    const bytes = await downloaded(page);
    const cli = cliOutput(yaml, 'dynamic');
    expect(bytes.byteLength).toBeLessThan(readFileSync(MNIST).byteLength);
    expect(Buffer.from(bytes).equals(Buffer.from(cli))).toBe(true);
    // The page compared input and result with onnxruntime-web on the same generated inputs.
    await page.waitForSelector('[data-testid=compress-compare]');
    const agreement = Number(await page.locator('#compress-result').getAttribute('data-agreement'));
    expect(agreement).toBeGreaterThanOrEqual(0.75);
    expect(await page.locator('[data-testid=compress-report]').getAttribute('sandbox')).toBe('');
  }, 300_000);

  it('cancels a run, then runs static int8 on generated data: the bytes of enxuto run --runtime ort-web', async () => {
    await page.selectOption('[data-testid=compress-preset]', 'static-int8');
    const yaml = await page.locator('[data-testid=compress-pipeline]').inputValue();
    expect(yaml).toContain('type: random');
    await page.click('[data-testid=compress-run]');
    await page.click('[data-testid=compress-cancel]');
    await page.waitForFunction(() => document.getElementById('compress-view')!.dataset.state !== 'running');
    const state = await page.locator('#compress-view').getAttribute('data-state');
    // A very fast machine may finish before the cancel arrives; here a run takes seconds.
    expect(state).toBe('cancelled');
    expect(await runAndWait(page)).toBe('done');
    const bytes = await downloaded(page);
    expect(Buffer.from(bytes).equals(Buffer.from(cliOutput(yaml, 'static', ['--runtime', 'ort-web'])))).toBe(true);
    // Run again: the pass output comes from the OPFS cache, with the same bytes.
    expect(await runAndWait(page)).toBe('done');
    expect(await page.locator('#compress-status').textContent()).toContain('from the cache');
    expect(Buffer.from(await downloaded(page)).equals(Buffer.from(bytes))).toBe(true);
  }, 300_000);

  it('resumes after a reload: the pass output is still in the OPFS cache', async () => {
    await openCompress(page);
    await page.setInputFiles('[data-testid=compress-model]', MNIST);
    await page.waitForFunction(() => document.getElementById('compress-summary')!.dataset.format === 'onnx');
    await page.selectOption('[data-testid=compress-preset]', 'static-int8');
    expect(await runAndWait(page)).toBe('done');
    expect(await page.locator('#compress-status').textContent()).toContain('from the cache');
  }, 300_000);

  it('opens a TFLite model and quantizes it: the bytes of enxuto run --runtime ort-web', async () => {
    await page.setInputFiles('[data-testid=compress-model]', FACE);
    await page.waitForFunction(() => document.getElementById('compress-summary')!.dataset.format === 'tflite');
    expect(await page.locator('[data-testid=compress-summary]').textContent()).toContain('input float32[1×128×128×3]');
    await page.selectOption('[data-testid=compress-preset]', 'static-int8');
    const yaml = await page.locator('[data-testid=compress-pipeline]').inputValue();
    expect(await runAndWait(page), (await page.locator('#compress-status').textContent()) ?? '').toBe('done');
    const bytes = await downloaded(page);
    const cli = cliOutput(yaml, 'tflite', ['--set', `input=${FACE}`, '--runtime', 'ort-web']);
    expect(Buffer.from(bytes).equals(Buffer.from(cli))).toBe(true);
  }, 300_000);

  it('refuses what a page cannot run, naming the field', async () => {
    const area = page.locator('[data-testid=compress-pipeline]');
    await area.fill(`${await area.inputValue()}plugins: [enxuto-plugin-example]\n`);
    expect(await runAndWait(page)).toBe('failed');
    expect(await page.locator('#compress-view').getAttribute('data-error-code')).toBe('pipeline/not-in-browser');
    expect(await page.locator('#compress-status').textContent()).toMatch(/^plugins: /);
  });

  it('compresses with the network cut, from the service worker cache', async () => {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await ctx.setOffline(true);
    try {
      await openCompress(page);
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      await page.setInputFiles('[data-testid=compress-model]', MNIST);
      await page.waitForFunction(() => document.getElementById('compress-summary')!.dataset.format === 'onnx');
      await page.selectOption('[data-testid=compress-preset]', 'float16');
      expect(await runAndWait(page), (await page.locator('#compress-status').textContent()) ?? '').toBe('done');
      await page.waitForSelector('[data-testid=compress-compare]');
    } finally {
      await ctx.setOffline(false);
    }
  }, 300_000);

  it('makes no request outside its own origin and logs no console errors', () => {
    const origin = new URL(served.urls[0]!).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual(
      [],
    );
    expect(errors).toEqual([]);
  });
});

describe('Compress view (phone, 360x740, touch)', () => {
  it('opens a model, runs the default preset and fits the screen', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'enxuto-compress-phone-'));
    profiles.push(profile);
    const ctx = await launchChromiumContext(profile, {
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      const phoneErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && phoneErrors.push(m.text()));
      page.on('pageerror', (e) => phoneErrors.push(e.message));
      await openCompress(page);
      await page.setInputFiles('[data-testid=compress-model]', MNIST);
      await page.waitForFunction(() => document.getElementById('compress-summary')!.dataset.format === 'onnx');
      expect(await runAndWait(page)).toBe('done');
      await page.waitForSelector('[data-testid=compress-compare]');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, 'compress-phone.png'), fullPage: false });
      await page.locator('[data-testid=compress-result]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'compress-phone-result.png'), fullPage: false });
      expect(phoneErrors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
