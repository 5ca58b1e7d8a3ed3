// report.html in headless Chromium: renders with no console errors, fetches nothing, and the
// numbers on the page are the numbers of report.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { launchChromium } from '@enxuto/test-support/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from './html.js';
import { sampleReport } from './sample-report.js';

let browser: Browser;
const dir = tempDir('enxuto-html-');
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dir.cleanup();
});

describe('report.html', () => {
  it('renders without errors or requests, and shows the numbers of report.json', async () => {
    const report = sampleReport();
    const file = join(dir.path, 'report.html');
    writeFileSync(file, renderReportHtml(report));
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    expect(await page.locator('#status').textContent()).toBe('ok');

    // Every metric cell carries the exact value of report.json.
    const cells = await page
      .locator('[data-metric]')
      .evaluateAll((els) =>
        els.map(
          (e) => [e.getAttribute('data-metric')!, Number(e.getAttribute('data-value')), e.textContent ?? ''] as const,
        ),
      );
    const get = (path: string) =>
      path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], {
        ...report,
        before: report.metrics.before,
        after: report.metrics.after,
      });
    expect(cells.length).toBeGreaterThan(15);
    for (const [path, value] of cells) expect(value, path).toBe(get(path));
    const acc = cells.find((c) => c[0] === 'after.accuracy')!;
    expect(acc[2]).toBe('97.71%');

    // The size-vs-accuracy plot has the input and one point per step, at the report's numbers.
    const points = await page
      .locator('#plot-size-accuracy .point')
      .evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-x')), Number(e.getAttribute('data-y'))]));
    expect(points).toEqual([
      [report.metrics.before!.sizeBytes, report.metrics.before!.accuracy],
      ...report.steps.map((s) => [s.metrics!.sizeBytes, s.metrics!.accuracy]),
    ]);
    const box = await page.locator('#plot-size-accuracy').boundingBox();
    expect(box!.width).toBeGreaterThan(100);

    // Per-layer hooks: sparsity and quantization error bars from the pass stats.
    const bars = await page
      .locator('#plot-sparsity-1 .bar')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-value'))]));
    expect(bars).toEqual([
      ['dense1.weight', 0.8],
      ['dense2.weight', 0.5],
      ['<script>alert(1)</script>', 0.1],
    ]);
    expect(await page.locator('#plot-qerror-1 .bar').count()).toBe(1);
    // Names from plugins are text, never markup.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#plugins li').textContent()).toContain('@acme/enxuto-prune 1.2.3');
    await page.close();
  });
});
