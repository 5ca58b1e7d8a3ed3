// What the Compress view shows about an opened model: format, inputs, outputs, op counts, size and
// parameters, from the same readers and statistics `enxuto inspect` uses.
import { countParameters, type Dim, type Model, opHistogram } from '@enxuto/ir';
import { readModelBytes } from '@enxuto/pipeline';

export interface TensorSummary {
  name: string;
  dtype: string;
  shape: Dim[];
}

export interface ModelSummary {
  name: string;
  format: string;
  bytes: number;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  ops: Record<string, number>;
  parameters: number;
}

const info = (v: { name: string; dtype: string | undefined; shape: Dim[] | undefined }): TensorSummary => ({
  name: v.name,
  dtype: v.dtype ?? '?',
  shape: v.shape ?? [],
});

export function summarize(model: Model, name: string, bytes: number, format = 'onnx'): ModelSummary {
  const initializers = new Set(model.graph.initializers());
  return {
    name,
    format,
    bytes,
    inputs: model.graph.inputs.filter((v) => !initializers.has(v)).map(info),
    outputs: model.graph.outputs.map(info),
    ops: opHistogram(model),
    parameters: countParameters(model).total,
  };
}

/**
 * Reads an opened file as a model (ONNX with its external data among `files`, or TFLite), with the
 * runner's own reader; formats a page cannot read yet are refused by name.
 */
export function readOpened(
  bytes: Uint8Array,
  name: string,
  files: Readonly<Record<string, Uint8Array>> = {},
): { model: Model; summary: ModelSummary } {
  const { model, format } = readModelBytes(bytes, name, files);
  return { model, summary: summarize(model, name, bytes.byteLength, format) };
}

/** The first input's shape for generated data: symbolic or unknown dims become 1 (batch) or -1. */
export function calibrationShape(s: ModelSummary): number[] {
  const shape = s.inputs[0]?.shape ?? [];
  return shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : -1));
}

export function shapeText(shape: readonly Dim[]): string {
  return `[${shape.map((d) => d ?? '?').join('×')}]`;
}
