// What the Compress view shows about an opened model: format, inputs, outputs, op counts, size and
// parameters, from the same readers and statistics `enxuto inspect` uses.
import { countParameters, type Dim, type Model, opHistogram, UnsupportedError } from '@enxuto/ir';
import { detectFormat, HEAD_BYTES } from '@enxuto/formats';
import { readOnnx } from '@enxuto/onnx';

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

/** Reads an opened file as a model; formats a page cannot read yet are refused by name. */
export function readOpened(bytes: Uint8Array, name: string): { model: Model; summary: ModelSummary } {
  const { format } = detectFormat(bytes.subarray(0, HEAD_BYTES), name);
  if (format !== 'onnx')
    throw new UnsupportedError(`${name} is ${format}: the Compress view reads ONNX files so far`, {
      code: 'pipeline/not-in-browser',
      file: name,
    });
  const model = readOnnx(bytes, { file: name });
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
