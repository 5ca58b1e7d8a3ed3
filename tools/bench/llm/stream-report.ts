// The streaming section of RESULTS.md, from RESULTS-stream.json (report.ts renders the whole file
// after either benchmark, so either can run alone).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADING = '### Streaming: a synthetic decoder with external data';
export const streamResultsFile = join(import.meta.dirname, 'RESULTS-stream.json');

interface Run {
  seconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  bytes: number;
  measured: string;
  loadAverage: number;
  floatBytes?: number;
  /** A remark on this run (e.g. how it was measured), printed under the table. */
  note?: string;
}

const LABELS: Record<string, string> = {
  fp16: 'fp16',
  q8: 'q8 (dynamic int8, 8-bit embeddings)',
  q4: 'q4 round to nearest',
  q4f16: 'q4f16 round to nearest',
  bnb4: 'bnb4',
  gptq: 'q4 GPTQ',
};

/** The section's markdown, or undefined before any run. */
export function streamSection(): string | undefined {
  if (!existsSync(streamResultsFile)) return undefined;
  const s = JSON.parse(readFileSync(streamResultsFile, 'utf8'));
  if (!s.runs) return undefined;
  const gb = (b: number) => (b / 1e9).toFixed(2);
  const notes: string[] = [];
  const rows = Object.entries(s.runs as Record<string, Run>).map(([key, r]) => {
    const [name, smaller] = key.split(', ');
    const label = `${LABELS[name!] ?? name}${name === 'gptq' ? ` (${s.calibration})` : ''}${smaller ? `, **${smaller} only**` : ''}`;
    const floatBytes = r.floatBytes ?? s.floatBytes;
    if (r.note) notes.push(`- ${label}: ${r.note}`);
    return `| ${label} | ${gb(floatBytes)} GB | ${r.seconds.toFixed(0)} | ${r.cpuSeconds.toFixed(0)} | ${(floatBytes / 1e6 / r.cpuSeconds).toFixed(1)} | **${gb(r.maxRssBytes)} GB** | ${gb(r.bytes)} GB | ${r.loadAverage} | ${r.measured.slice(0, 16).replace('T', ' ')} |`;
  });
  return [
    HEADING,
    '',
    `\`npm run bench:llm-stream -w @enxuto/bench\`: LLaMA-shaped, ${s.shape.layers} layers, hidden ${s.shape.hidden}, FFN ${s.shape.ffn}, vocab ${s.shape.vocab}: **${gb(s.floatBytes)} GB** of float32 weights in external data; \`writeVariants\` of one dtype in a fresh process each (the model is changed in place, new weights spilled to a scratch file and copied into the variant's external data). The machine is shared (2 cores): wall time mostly says how loaded it was (load average in the table), CPU time what the work cost.`,
    '',
    '| variant | float weights | wall s | CPU s | MB of float weights per CPU s | peak RSS | variant bytes | load average | measured (UTC) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...(notes.length ? ['', ...notes] : []),
    ...(s.runs.gptq ? [] : ['', 'No GPTQ run on this model is recorded yet.']),
  ].join('\n');
}
