// The Decoder speed card in Debian Chromium with a real small decoder: tiny-gpt2-hf in fp32 and
// its q8 and q4 variants (written by `enxuto variants`) run in onnxruntime-web (wasm) with their
// KV caches; the card lists the three side by side. Tokens per second are measured by the bench
// (tools/bench/llm/decoder-web.ts), not asserted here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { tempDir } from '@enxuto/test-support';
import { launchChromiumContext } from '@enxuto/test-support/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeApp } from '../scripts/build-app.js';
import { serveEdge, type EdgeServer } from '@enxuto/cli/serve-edge';
import { decoderVariants } from './test-models.js';
import { runDecoderCard } from './decoder-card.js';

const tmp = tempDir('enxuto-edge-decoder-');
const profile = mkdtempSync(join(tmpdir(), 'enxuto-edge-profile-'));
let served: EdgeServer;
let ctx: BrowserContext;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  const app = await buildEdgeApp({
    outDir: join(tmp.path, 'web'),
    models: decoderVariants(tmp.path),
    logLevel: 'error',
  });
  served = await serveEdge({ dir: app.outDir, port: 0, host: '127.0.0.1' });
  ctx = await launchChromiumContext(profile, { viewport: { width: 1280, height: 900 } });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
}, 600_000);

afterAll(async () => {
  await ctx?.close();
  await served?.close();
  tmp.cleanup();
  rmSync(profile, { recursive: true, force: true });
});

describe('Decoder speed card (Chromium, onnxruntime-web)', () => {
  it('generates with fp32, q8 and q4 tiny-gpt2 and shows them side by side', async () => {
    const rows = await runDecoderCard(page, served.urls[0]!, 8);
    expect(rows.map((r) => [r.model, r.precision])).toEqual([
      ['tiny-gpt2 fp32', 'fp32'],
      ['tiny-gpt2 q8', 'q8'],
      ['tiny-gpt2 q4', 'q4'],
    ]);
    // fp32 is the reference; the quantized variants keep some of its greedy tokens.
    expect(rows[0]!.sameTokens).toBe('100%');
    for (const r of rows.slice(1)) expect(Number.parseInt(r.sameTokens, 10)).toBeGreaterThan(0);
    // q4 is the smallest, q8 in between.
    expect(rows[2]!.bytes).toBeLessThan(rows[1]!.bytes);
    expect(rows[1]!.bytes).toBeLessThan(rows[0]!.bytes);
    for (const r of rows) expect(r.tokensPerSecond).toBeGreaterThan(0);
    expect(await page.locator('#status').textContent()).toMatch(/Decoder speed done/);
    expect(errors).toEqual([]);
  }, 600_000);
});
