// `enxuto inspect <model> [--json]`: what a model is made of.
import {
  bytesPerDtype,
  countParameters,
  formatDims,
  formatType,
  opHistogram,
  printable,
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
  /** Scale(s) and zero point(s) when the value holds quantized integers (TFLite inputs/outputs). */
  quant?: QuantSummary;
}

export interface QuantSummary {
  scale: number[];
  zeroPoint: number[];
  /** Axis of per-axis (per-channel) quantization. */
  axis?: number;
}

export interface QuantizationReport {
  /** Tensors carrying quantization parameters, by storage type. */
  tensorsByDtype: Record<string, number>;
  /** Of those, per-axis ones, by axis. */
  perAxisByAxis: Record<string, number>;
}

export interface InspectReport {
  file: string;
  format: string;
  /** 'file': the operators and types as stored (TFLite ops, ONNX); 'lowered': the ONNX-domain IR. */
  view: 'file' | 'lowered';
  /** Bytes of the model: the file plus its side files (TF.js weight shards, ONNX external data). */
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
  /** Present when some tensor is quantized (TFLite files; ONNX QDQ scales are ordinary inputs). */
  quantization?: QuantizationReport;
}

function summarize(v: Value): ValueSummary {
  const s: ValueSummary = { name: v.name, dtype: v.dtype ?? null, shape: v.shape ?? null, type: formatType(v.type) };
  const q = v.quant;
  if (q !== undefined) {
    s.quant = { scale: Array.from(q.scale), zeroPoint: Array.from(q.zeroPoint) };
    if (q.axis !== undefined && q.scale.length > 1) s.quant.axis = q.axis;
  }
  return s;
}

function quantization(model: Model): QuantizationReport | undefined {
  const tensorsByDtype: Record<string, number> = {};
  const perAxisByAxis: Record<string, number> = {};
  let any = false;
  for (const v of model.graph.values()) {
    const q = v.quant;
    if (q === undefined || q.scale.length === 0) continue;
    any = true;
    const dtype = v.dtype ?? q.dtype;
    tensorsByDtype[dtype] = (tensorsByDtype[dtype] ?? 0) + 1;
    if (q.scale.length > 1) perAxisByAxis[String(q.axis ?? 0)] = (perAxisByAxis[String(q.axis ?? 0)] ?? 0) + 1;
  }
  return any ? { tensorsByDtype, perAxisByAxis } : undefined;
}

export function inspectReport(
  model: Model,
  facts: { file: string; format: string; view: 'file' | 'lowered'; fileBytes: number },
): InspectReport {
  const quant = quantization(model);
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
    ...(quant ? { quantization: quant } : {}),
  };
}

const quantText = (q: QuantSummary | undefined): string =>
  q === undefined
    ? ''
    : q.scale.length === 1
      ? ` (scale ${q.scale[0]!.toPrecision(4)}, zero point ${q.zeroPoint[0]})`
      : ` (${q.scale.length} scales on axis ${q.axis ?? 0})`;
const counts = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

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
    `  format      ${r.format} (${humanBytes(r.fileBytes)}, ${r.fileBytes} bytes)${r.view === 'lowered' && r.format !== 'onnx' ? ', shown as ONNX' : ''}`,
    `  IR version  ${r.irVersion}`,
    `  opsets      ${
      Object.entries(r.opsets)
        .map(([d, v]) => `${d} ${v}`)
        .join(', ') || '-'
    }`,
    `  producer    ${[r.producer.name, r.producer.version].filter(Boolean).join(' ') || '-'}`,
    '  inputs',
    ...r.inputs.map(
      (v) => `    ${v.name}: ${v.dtype ?? v.type} ${formatDims(v.shape ?? undefined)}${quantText(v.quant)}`,
    ),
    '  outputs',
    ...r.outputs.map(
      (v) => `    ${v.name}: ${v.dtype ?? v.type} ${formatDims(v.shape ?? undefined)}${quantText(v.quant)}`,
    ),
    `  nodes       ${r.nodeCount}${r.functions ? ` (+ ${r.functions} local functions)` : ''}`,
    ...Object.entries(r.ops).map(([op, n]) => `    ${op.padEnd(24)} ${n}`),
    `  parameters  ${r.parameters.total.toLocaleString('en-US')} (${r.parameters.nonZero.toLocaleString('en-US')} non-zero)`,
    '  weights by dtype',
    ...Object.entries(r.bytesPerDtype).map(([d, b]) => `    ${d.padEnd(24)} ${humanBytes(b)}`),
  ];
  if (r.quantization) {
    lines.push(`  quantized   ${counts(r.quantization.tensorsByDtype)} tensors`);
    const perAxis = counts(r.quantization.perAxisByAxis);
    if (perAxis) lines.push(`    per-axis, by axis: ${perAxis}`);
  }
  // Names come from the file: control characters are shown escaped, never sent to the terminal.
  return `${lines.map(printable).join('\n')}\n`;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'show format, opsets, inputs/outputs, op histogram, parameters and size of a model',
  usage: `enxuto inspect <model> [--json] [--format onnx|tfjs|tflite] [--lowered]

  --json            print a JSON report (documented in docs/cli.md)
  --format <name>   read as this format instead of sniffing it
  --lowered         show the ONNX-domain IR the other commands work on (TFLite files
                    are shown with their own operators, types and quantization by default)`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('inspect', argv, {
      json: { type: 'boolean' },
      format: { type: 'string' },
      lowered: { type: 'boolean' },
    });
    const [file] = positionals('inspect', pos, ['model']);
    const { model, format, bytes, native } = await readModel(file!, {
      ...(values.format === undefined ? {} : { format: values.format }),
      native: values.lowered !== true,
    });
    const view = native || format === 'onnx' ? 'file' : 'lowered';
    const report = inspectReport(model, { file: file!, format, view, fileBytes: bytes });
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspect(report));
    return 0;
  },
};
