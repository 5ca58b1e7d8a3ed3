// Runs ONNX backend node tests (model.onnx + test_data_set_*/input_N.pb, output_N.pb) through the
// TF.js runtime and compares with the reference outputs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { readOnnx } from '@enxuto/onnx';
import type { Model, Tensor } from '@enxuto/ir';
import { compileGraph, OPS } from '../src/index.js';
import { readTensorFile } from './tensor-file.js';

export const ABS_TOL = 1e-4;
export const REL_TOL = 1e-4;

export type CaseResult =
  | { test: string; status: 'unreadable'; detail: string }
  | { test: string; status: 'unsupported'; ops: string[] }
  | { test: string; status: 'pass' }
  | { test: string; status: 'fail'; detail: string };

/** Ops a model needs that the table lacks (subgraphs and local functions count as unsupported). */
export function missingOps(model: Model): string[] {
  const missing = new Set<string>();
  for (const node of model.graph.nodes) {
    const name = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    if (name !== node.opType || !Object.hasOwn(OPS, node.opType)) missing.add(name);
  }
  return [...missing].sort();
}

function files(dir: string, kind: 'input' | 'output'): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}_`) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(kind.length + 1, -3)) - Number(b.slice(kind.length + 1, -3)));
}

function compare(name: string, actual: tf.Tensor, expected: Tensor): string | undefined {
  const shape = [...expected.shape];
  if (actual.shape.length !== shape.length || actual.shape.some((d, i) => d !== shape[i])) {
    return `${name}: shape [${actual.shape}] != [${shape}]`;
  }
  const got = actual.dataSync();
  const want =
    expected.dtype === 'bool' || /int/.test(expected.dtype)
      ? Array.from(expected.values(), Number)
      : expected.toFloat32();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const a = Number(got[i]);
    const b = Number(want[i]);
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    const err = Math.abs(a - b) - (ABS_TOL + REL_TOL * Math.abs(b));
    if (!(err <= 0) && (at < 0 || err > worst || Number.isNaN(err))) {
      worst = err;
      at = i;
    }
  }
  if (at >= 0) return `${name}[${at}]: ${Number(got[at])} != ${Number(want[at])}`;
  return undefined;
}

export function runCase(dir: string): CaseResult {
  const test = dir.split('/').pop()!;
  let model: Model;
  try {
    model = readOnnx(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
  } catch (e) {
    return { test, status: 'unreadable', detail: (e as Error).message };
  }
  const ops = missingOps(model);
  if (ops.length > 0) return { test, status: 'unsupported', ops };
  let exe: ReturnType<typeof compileGraph> | undefined;
  try {
    exe = compileGraph(model);
    const feedValues = model.graph.inputs.filter((v) => !v.isInitializer());
    for (const set of readdirSync(dir)
      .filter((d) => d.startsWith('test_data_set_'))
      .sort()) {
      const setDir = join(dir, set);
      const inputs = files(setDir, 'input').map((f) => readTensorFile(new Uint8Array(readFileSync(join(setDir, f)))));
      const outputs = files(setDir, 'output').map((f) => readTensorFile(new Uint8Array(readFileSync(join(setDir, f)))));
      if (inputs.some((t) => t === undefined) || outputs.some((t) => t === undefined)) {
        return { test, status: 'fail', detail: 'non-tensor test data (sequence/optional/map)' };
      }
      const feeds = Object.fromEntries(feedValues.map((v, i) => [v.name, inputs[i]!]));
      const result = exe.run(feeds);
      try {
        for (let i = 0; i < outputs.length; i++) {
          const name = model.graph.outputs[i]!.name;
          const problem = compare(name, result[name]!, outputs[i]!);
          if (problem) return { test, status: 'fail', detail: `${set}: ${problem}` };
        }
      } finally {
        Object.values(result).forEach((t) => t.dispose());
      }
    }
    return { test, status: 'pass' };
  } catch (e) {
    return { test, status: 'fail', detail: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300) };
  } finally {
    exe?.dispose();
  }
}

export function listCases(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'model.onnx')))
    .sort()
    .map((d) => join(root, d));
}
