// Node attributes, ONNX-typed. ints may be bigint when they do not fit a double exactly
// (INT64_MAX in Slice ends), so writers never corrupt them.
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';
import type { ValueType } from './types.js';

export type Int = number | bigint;

export type AttrValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: Int }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: Tensor }
  | { type: 'sparse-tensor'; value: Tensor }
  | { type: 'graph'; value: Graph }
  | { type: 'type'; value: ValueType }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: Int[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: Tensor[] }
  | { type: 'sparse-tensors'; value: Tensor[] }
  | { type: 'graphs'; value: Graph[] }
  | { type: 'types'; value: ValueType[] };

/** An attribute: a value, or (inside a local function) a reference to the caller's attribute. */
export type Attr = AttrValue & { refAttrName?: string; docString?: string };

export const attr = {
  float: (value: number): Attr => ({ type: 'float', value }),
  int: (value: Int): Attr => ({ type: 'int', value }),
  string: (value: string): Attr => ({ type: 'string', value }),
  tensor: (value: Tensor): Attr => ({ type: 'tensor', value }),
  graph: (value: Graph): Attr => ({ type: 'graph', value }),
  floats: (value: number[]): Attr => ({ type: 'floats', value }),
  ints: (value: Int[]): Attr => ({ type: 'ints', value }),
  strings: (value: string[]): Attr => ({ type: 'strings', value }),
};

/** The graphs an attribute holds (If branches, Loop/Scan bodies). */
export function attrGraphs(a: Attr): Graph[] {
  if (a.type === 'graph') return [a.value];
  if (a.type === 'graphs') return a.value;
  return [];
}
