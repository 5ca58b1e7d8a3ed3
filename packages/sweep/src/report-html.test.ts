// The sweep's report.html in headless Chromium: renders with no errors, fetches nothing, plots one
// point per trial with metrics, joins the Pareto front, and its numbers are those of results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { launchChromium } from '@enxuto/test-support/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSweepHtml } from './report-html.js';
import type { SweepResults } from './results.js';
import type { TrialRecord } from './trial.js';

let browser: Browser;
const dir = tempDir('enxuto-sweep-html-');
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dir.cleanup();
});

function trial(
  index: number,
  status: TrialRecord['status'],
  size: number,
  accuracy: number,
  latency?: number,
): TrialRecord {
  const after = {
    samples: 100,
    sizeBytes: size,
    accuracy,
    parameters: 1,
    nonZero: 1,
    ...(latency ? { latencyP50Ms: latency } : {}),
  };
  return {
    id: `t${index}`,
    key: `k${index}`,
    index,
    settings: { 'passes.0.options.sparsity': index / 10 },
    worker: 'local/0',
    attempts: 1,
    status,
    seconds: 2,
    metrics: { after },
  };
}

const results: SweepResults = {
  schemaVersion: 1,
  sweep: {
    id: 'abc',
    file: '/x/sweep.yaml',
    pipeline: '/x/base.pipeline.yaml',
    engine: 'local, 2 worker processes',
    objective: { metric: 'sizeBytes', direction: 'min' },
    status: 'done',
    planned: 5,
  },
  input: { path: '/x/model.onnx', sha256: '00', bytes: 20_000, latencyP50Ms: 0.5 },
  trials: [
    trial(0, 'passed', 12_000, 0.99, 0.4),
    trial(1, 'passed', 9_000, 0.98, 0.3),
    trial(2, 'passed', 10_000, 0.97),
    trial(3, 'gate-failed', 5_000, 0.6),
    { ...trial(4, 'error', 0, 0), metrics: undefined, error: { code: 'x', message: '<boom>' } },
  ],
  best: { id: 't1', settings: { 'passes.0.options.sparsity': 0.1 } },
  pareto: ['t1', 't0'],
  durationSeconds: 12,
};

describe('sweep report.html', () => {
  it('renders the Pareto front, the latency plot and the table without errors or requests', async () => {
    const file = join(dir.path, 'report.html');
    writeFileSync(file, renderSweepHtml(results));
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    expect(await page.locator('#best').textContent()).toBe('t1');
    expect(await page.locator('#plot-pareto .point').count()).toBe(4);
    expect(await page.locator('#plot-pareto .point.front').count()).toBe(2);
    expect(await page.locator('#plot-pareto path.line').count()).toBe(1);
    expect(await page.locator('#plot-latency .point').count()).toBe(2);
    expect(await page.locator('#trials tbody tr').count()).toBe(5);
    expect(await page.locator('#trials tr.best').getAttribute('data-id')).toBe('t1');
    expect(await page.locator('tr[data-id="t4"]').textContent()).toContain('<boom>');
    const sizes = await page
      .locator('#trials td[data-field="sizeBytes"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(sizes).toEqual([12_000, 9_000, 10_000, 5_000]);
  });
});
