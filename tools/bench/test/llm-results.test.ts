// RESULTS.md of the language-model benchmarks is generated: every sentence must come from
// report.ts and the recorded measurements, or the next benchmark run silently drops it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderResults, resultsMd } from '../llm/report.js';

describe('tools/bench/llm/RESULTS.md', () => {
  it('is exactly what report.ts renders from RESULTS-quality.json and RESULTS-stream.json', () => {
    // On failure: put the text into the generator or a run's `note`, then re-render
    // (npx tsx --conditions=source -e "import('./llm/report.ts').then((m) => m.writeResults())").
    expect(readFileSync(resultsMd, 'utf8')).toBe(renderResults());
  });
  it('renders every measured variant with its perplexity and the streaming runs with their notes', () => {
    const doc = renderResults();
    expect(doc).toMatch(
      /\| q4 round to nearest \(block 32, asymmetric\) \| [\d,]+ \| 0\.\d{3}x \| \d\.\d{4} \| \d+\.\d{2} \|/,
    );
    expect(doc).toContain('### Streaming: a synthetic decoder with external data');
    expect(doc).toMatch(/q4 GPTQ vs onnxruntime \(same calibration windows\): enxuto \+/);
  });
});
