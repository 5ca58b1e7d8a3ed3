// `enxuto inspect <model> [--json]`: what a model is made of.
import { statSync } from 'node:fs';
import {
  bytesPerDtype,
  countParameters,
  formatDims,
  formatType,
  opHistogram,
  type Dim,
  type Model,
  type Value,
} from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import { positionals, parseCommandArgs, type Command } from './command.js';

export interface ValueSummary {
  name: string;
  /** Element type; null for non-tensor values. */
  dtype: string | null;
  /** Dimensions (numbers, symbolic names, null when unknown); null when the rank is unknown. */
  shape: Dim[] | null;
  /** Full type text, e.g. 'float32[1,10]' or 'sequence<float32[?]>'. */
  type: string;
}

export interface InspectReport {
  file: string;
  format: string;
  fileBytes: number;
  irVersion: number;
  opsets: Record<string, number>;
  producer: { name: string; version: string };
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  nodeCount: number;
  ops: Record<string, number>;
  parameters: { total: number; nonZero: number };
  bytesPerDtype: Record<string, number>;
  functions: number;
}

function summarize(v: Value): ValueSummary {
  return { name: v.name, dtype: v.dtype ?? null, shape: v.shape ?? null, type: formatType(v.type) };
}

export function inspectReport(model: Model, facts: { file: string; format: string; fileBytes: number }): InspectReport {
  const ops = opHistogram(model);
  // Graph inputs that have initializers are defaults, not inputs a caller must feed.
  const inputs = model.graph.inputs.filter((v) => !v.isInitializer());
  return {
    ...facts,
    irVersion: model.irVersion,
    opsets: Object.fromEntries([...model.opsetImports].map(([d, v]) => [d === '' ? 'ai.onnx' : d, v])),
    producer: { name: model.producerName, version: model.producerVersion },
    inputs: inputs.map(summarize),
    outputs: model.graph.outputs.map(summarize),
    nodeCount: Object.values(ops).reduce((a, b) => a + b, 0),
    ops,
    parameters: countParameters(model),
    bytesPerDtype: bytesPerDtype(model) as Record<string, number>,
    functions: model.functions.length,
  };
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export function formatInspect(r: InspectReport): string {
  const lines = [
    `${r.file}`,
    `  format      ${r.format} (${humanBytes(r.fileBytes)}, ${r.fileBytes} bytes)`,
    `  IR version  ${r.irVersion}`,
    `  opsets      ${
      Object.entries(r.opsets)
        .map(([d, v]) => `${d} ${v}`)
        .join(', ') || '-'
    }`,
    `  producer    ${[r.producer.name, r.producer.version].filter(Boolean).join(' ') || '-'}`,
    '  inputs',
    ...r.inputs.map((v) => `    ${v.name}: ${v.dtype ?? v.type} ${formatDims(v.shape ?? undefined)}`),
    '  outputs',
    ...r.outputs.map((v) => `    ${v.name}: ${v.dtype ?? v.type} ${formatDims(v.shape ?? undefined)}`),
    `  nodes       ${r.nodeCount}${r.functions ? ` (+ ${r.functions} local functions)` : ''}`,
    ...Object.entries(r.ops).map(([op, n]) => `    ${op.padEnd(24)} ${n}`),
    `  parameters  ${r.parameters.total.toLocaleString('en-US')} (${r.parameters.nonZero.toLocaleString('en-US')} non-zero)`,
    '  weights by dtype',
    ...Object.entries(r.bytesPerDtype).map(([d, b]) => `    ${d.padEnd(24)} ${humanBytes(b)}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'show format, opsets, inputs/outputs, op histogram, parameters and size of a model',
  usage: `enxuto inspect <model> [--json] [--format onnx|tfjs|tflite]

  --json            print a JSON report (documented in docs/cli.md)
  --format <name>   read as this format instead of sniffing it`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('inspect', argv, {
      json: { type: 'boolean' },
      format: { type: 'string' },
    });
    const [file] = positionals('inspect', pos, ['model']);
    const { model, format } = await readModel(file!, values.format === undefined ? {} : { format: values.format });
    const report = inspectReport(model, { file: file!, format, fileBytes: statSync(file!).size });
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspect(report));
    return 0;
  },
};
