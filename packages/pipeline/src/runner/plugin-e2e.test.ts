// A YAML pipeline using the example plugin, end to end: the report records the plugin, and the
// real report.html opens in headless Chromium with the numbers of report.json.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { launchChromium } from '@enxuto/test-support/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { scaleWeights } from '../test-passes.js';
import { runPipeline } from './run-pipeline.js';

const dir = tempDir('enxuto-e2e-');
afterAll(() => dir.cleanup());

describe('a pipeline with the example plugin', () => {
  it('runs, records the plugin, and its report.html matches report.json in Chromium', async () => {
    const file = join(dir.path, 'pipeline.yaml');
    writeFileSync(
      file,
      `input: ${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}
plugins: ['@enxuto/plugin-example']
roots: [${sharedDir()}]
data:
  evaluation:
    type: mnist-idx
    images: ${sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')}
    labels: ${sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')}
    count: 100
    preprocess: { scale: 255, shape: [1, 1, 28, 28] }
passes:
  - { type: example/clamp-weights, options: { limit: 0.5 } }
  - scale-weights
outputs: [out/clamped.onnx]
report: out/report
evaluation: { latencyRuns: 2 }
`,
    );
    const { report } = await runPipeline(file, {
      registry: createRegistry([scaleWeights]),
      projectRoot: repoRoot,
      cacheDir: false,
    });
    expect(report.plugins).toEqual([
      {
        name: '@enxuto/plugin-example',
        version: '0.1.0',
        path: realpathSync(join(repoRoot, 'examples', 'plugin-example')),
      },
    ]);
    expect(report.steps[0]).toMatchObject({
      pass: 'example/clamp-weights',
      source: '@enxuto/plugin-example',
      changed: true,
    });
    expect((report.steps[0]!.stats as { clamped: number }).clamped).toBeGreaterThan(0);

    const json = JSON.parse(readFileSync(join(dir.path, 'out', 'report', 'report.json'), 'utf8'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${join(dir.path, 'out', 'report', 'report.html')}`);
      expect(errors).toEqual([]);
      const shown = await page
        .locator('[data-metric^="before."], [data-metric^="after."]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-metric')!, Number(e.getAttribute('data-value'))] as const),
        );
      expect(shown.length).toBeGreaterThan(8);
      for (const [path, value] of shown) {
        const [when, key] = path.split('.') as ['before' | 'after', string];
        expect(value, path).toBe(json.metrics[when][key]);
      }
      expect(await page.locator('#plot-size-accuracy .point').count()).toBe(1 + report.steps.length);
      expect(await page.locator('#plugins').textContent()).toContain('@enxuto/plugin-example');
    } finally {
      await browser.close();
    }
  });
});
