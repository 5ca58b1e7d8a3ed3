// upgradeOpset against onnxruntime on the ONNX backend suites: every case written at an old opset,
// and the old forms of the operators whose attributes became inputs, built from today's cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, type Attr, Graph, type Model, UnsupportedError } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath } from '@enxuto/test-support';
import { upgradeOpset } from '@enxuto/transforms';
import { describe, expect, it } from 'vitest';
import { type ConformanceCase, dataFiles, listCases } from './cases.js';
import { runInOrt } from './check-case.js';
import { readTensorFile } from './tensor-file.js';

const cases = listCases(sharedPath('conformance', 'onnx-backend'));
const read = async (c: ConformanceCase) => readOnnx(new Uint8Array(readFileSync(join(c.dir, 'model.onnx'))));

/** Upgrades `model` to each target and runs it on the case's data; the failures, as text. */
async function upgradedFailures(model: () => Promise<Model>, c: ConformanceCase, inputs?: number[]): Promise<string[]> {
  const out: string[] = [];
  for (const target of [13, 21]) {
    const m = await model();
    upgradeOpset(m, target);
    const r = await runInOrt(writeOnnxBytes(m), c, inputs);
    if (r.status !== 'pass') out.push(`${c.suite}/${c.name} at ${target}: ${r.status} ${r.detail}`);
  }
  return out;
}

describe('upgradeOpset on the ONNX backend suites', () => {
  it('keeps the outputs of every case written at opsets 6-12 that onnxruntime runs', async () => {
    const failures: string[] = [];
    const refused: string[] = [];
    let checked = 0;
    for (const c of cases) {
      const m = await read(c).catch(() => undefined);
      const opset = m?.opset('');
      if (!m || opset === undefined || opset < 6 || opset > 12) continue;
      if ((await runInOrt(writeOnnxBytes(m), c)).status !== 'pass') continue;
      try {
        failures.push(...(await upgradedFailures(() => read(c), c)));
        checked++;
      } catch (e) {
        if (!(e instanceof UnsupportedError)) throw e;
        refused.push(`${c.name}: ${e.message}`);
      }
    }
    expect(failures).toEqual([]);
    // Scan-8's batch axis is the one change with no later form.
    expect(refused.map((r) => r.split(':')[0])).toEqual(['test_scan_sum']);
    expect(checked).toBeGreaterThanOrEqual(190);
  }, 300_000);

  // Today's cases of the operators whose attributes became inputs, rebuilt in their old form: those
  // inputs (constant in every data set) become attributes again.
  type Kind = 'ints' | 'int' | 'float';
  const OLD_FORMS: Record<string, { opset: number; inputs: Record<number, [string, Kind]>; drop?: string[] }> = {
    Clip: { opset: 10, inputs: { 1: ['min', 'float'], 2: ['max', 'float'] } },
    Slice: { opset: 9, inputs: { 1: ['starts', 'ints'], 2: ['ends', 'ints'], 3: ['axes', 'ints'] } },
    Pad: { opset: 10, inputs: { 1: ['pads', 'ints'], 2: ['value', 'float'] } },
    Split: { opset: 12, inputs: { 1: ['split', 'ints'] }, drop: ['num_outputs'] },
    Squeeze: { opset: 12, inputs: { 1: ['axes', 'ints'] } },
    Unsqueeze: { opset: 12, inputs: { 1: ['axes', 'ints'] } },
    TopK: { opset: 9, inputs: { 1: ['k', 'int'] } },
    Dropout: { opset: 11, inputs: { 1: ['ratio', 'float'] } },
    ...Object.fromEntries(
      ['L1', 'L2', 'LogSum', 'LogSumExp', 'Max', 'Mean', 'Min', 'Prod', 'Sum', 'SumSquare'].map((r) => [
        `Reduce${r}`,
        { opset: 12, inputs: { 1: ['axes', 'ints'] as [string, Kind] } },
      ]),
    ),
  };

  /** The case's single node in its old form, or why it has none. */
  async function oldForm(c: ConformanceCase): Promise<{ model: Model; inputs: number[] } | string> {
    const m = await read(c);
    const g = m.graph;
    if (g.nodes.length !== 1) return 'not a single node';
    const node = g.nodes[0]!;
    const form = OLD_FORMS[node.opType]!;
    const attrs = new Map<string, Attr>(node.attributes);
    for (const a of form.drop ?? []) attrs.delete(a);
    const kept: number[] = [];
    const inputs = [...node.inputs];
    for (let i = 0; i < inputs.length; i++) {
      const v = inputs[i];
      const as = form.inputs[i];
      if (!v) continue;
      if (!as) {
        if (i > 0 && !Object.keys(form.inputs).some((k) => Number(k) > i)) return `input ${i} has no old form`;
        kept.push(g.inputs.indexOf(v));
        continue;
      }
      const values: number[][] = [];
      for (const ds of c.dataSets) {
        const f = dataFiles(ds, 'input')[g.inputs.indexOf(v)];
        const t = v.const ?? (f ? await readTensorFile(new Uint8Array(readFileSync(f)), f) : undefined);
        if (!t) return `input ${i} has no data`;
        values.push(Array.from(t.values() as ArrayLike<number | bigint>, Number));
      }
      if (values.some((x) => x.join() !== values[0]!.join())) return `input ${i} differs between data sets`;
      const [name, kind] = as;
      const x = values[0]!;
      attrs.set(name, kind === 'ints' ? attr.ints(x) : kind === 'int' ? attr.int(x[0]!) : attr.float(x[0]!));
    }
    const old = new Graph('old');
    const ins = node.inputs.filter((v, i) => v && !form.inputs[i]).map((v) => old.addInput(v!.name, v!.type));
    const n = old.addNode({
      opType: node.opType,
      inputs: ins,
      outputs: node.outputs.map((v) => v?.name ?? null),
      attributes: attrs,
    });
    old.setOutputs(g.outputs.map((o) => old.value(o.name)!));
    for (const o of n.outputs) if (o) o.type = g.value(o.name)?.type;
    const model = new (m.constructor as typeof Model)(old);
    model.opsetImports.set('', form.opset);
    model.irVersion = 6;
    return { model, inputs: kept };
  }

  it('keeps the outputs of old forms of Clip, Slice, Pad, Split, Squeeze/Unsqueeze, ReduceX, TopK, Dropout', async () => {
    const failures: string[] = [];
    const checked = new Map<string, number>();
    for (const c of cases) {
      if (c.suite !== 'node' || c.name.endsWith('_expanded')) continue;
      const m = await read(c).catch(() => undefined);
      const op = m?.graph.nodes.length === 1 ? m.graph.nodes[0]!.opType : undefined;
      if (!op || !OLD_FORMS[op]) continue;
      const old = await oldForm(c);
      if (typeof old === 'string') continue;
      // Only old forms onnxruntime accepts and that reproduce the reference outputs count.
      if ((await runInOrt(writeOnnxBytes(old.model), c, old.inputs)).status !== 'pass') continue;
      const rebuilt = async () => {
        const again = await oldForm(c);
        if (typeof again === 'string') throw new Error(again);
        return again.model;
      };
      failures.push(...(await upgradedFailures(rebuilt, c, old.inputs)));
      checked.set(op, (checked.get(op) ?? 0) + 1);
    }
    expect(failures).toEqual([]);
    for (const op of ['Clip', 'Slice', 'Pad', 'Split', 'Squeeze', 'Unsqueeze', 'ReduceMean', 'ReduceSum', 'TopK'])
      expect(checked.get(op) ?? 0, op).toBeGreaterThan(0);
    expect([...checked.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(60);
  }, 300_000);
});
