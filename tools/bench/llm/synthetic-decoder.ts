// A synthetic decoder-only language model of any size, LLaMA-shaped (pre-norm blocks, q/k/v/o
// projections, gated SiLU MLP, untied LM head), with random (seeded) weights in external data,
// written as a Hugging Face folder (config.json + onnx/model.onnx + onnx/model.onnx_data) so that
// `enxuto variants` runs on it as on a real export. Weights are generated while they are written,
// one tensor at a time, so a multi-GB model never sits in memory.
//   tsx --conditions=source tools/bench/llm/synthetic-decoder.ts <out folder> [--layers 36] [--hidden 1024] [--ffn 2816] [--vocab 32000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  attr,
  byteLengthOf,
  decodeBytes,
  float32Tensor,
  int64Tensor,
  Model,
  mulberry32,
  shapeSize,
  tensorType,
  type DataType,
  type Tensor,
  type TypedArray,
  type Value,
} from '@enxuto/ir';
import { writeOnnxFile } from '@enxuto/onnx/node';

/** Uniform random weights in [-scale, scale], made anew on every read (never kept). */
class RandomTensor implements Tensor {
  readonly dtype: DataType = 'float32';
  readonly size: number;
  readonly byteLength: number;
  readonly isLazy = true;
  constructor(
    readonly shape: readonly number[],
    private readonly seed: number,
    private readonly scale: number,
  ) {
    this.size = shapeSize(shape);
    this.byteLength = byteLengthOf('float32', this.size);
  }
  bytes(): Uint8Array {
    const next = mulberry32(this.seed);
    const a = new Float32Array(this.size);
    for (let i = 0; i < a.length; i++) a[i] = (next() * 2 - 1) * this.scale;
    return new Uint8Array(a.buffer);
  }
  values(): TypedArray {
    return decodeBytes('float32', this.bytes(), this.size);
  }
  toFloat32(): Float32Array {
    return this.values() as Float32Array;
  }
  strings(): readonly Uint8Array[] {
    throw new TypeError('no strings');
  }
}

export interface DecoderShape {
  layers: number;
  hidden: number;
  ffn: number;
  vocab: number;
  heads: number;
}

export function decoderParameters(s: DecoderShape): number {
  return 2 * s.vocab * s.hidden + s.layers * (4 * s.hidden * s.hidden + 3 * s.hidden * s.ffn + 2 * s.hidden) + s.hidden;
}

export function syntheticDecoder(s: DecoderShape): Model {
  const m = new Model();
  m.opsetImports.set('', 17);
  m.irVersion = 8;
  const g = m.graph;
  let seed = 1;
  const weight = (name: string, shape: number[], fanIn: number) =>
    g.addInitializer(name, new RandomTensor(shape, seed++, Math.sqrt(3 / fanIn)));
  const ones = (name: string) => g.addInitializer(name, float32Tensor([s.hidden], new Float32Array(s.hidden).fill(1)));
  const zeros = (name: string) => g.addInitializer(name, float32Tensor([s.hidden], new Float32Array(s.hidden)));
  const node = (opType: string, inputs: Value[], name: string, attributes = {}) =>
    g.addNode({ opType, name, inputs, outputs: [name], attributes }).output(0);
  const ids = g.addInput('input_ids', tensorType('int64', ['batch_size', 'sequence_length']));
  const headDim = s.hidden / s.heads;
  const splitHeads = g.addInitializer('split_heads', int64Tensor([4], [0, 0, s.heads, headDim]));
  const mergeHeads = g.addInitializer('merge_heads', int64Tensor([3], [0, 0, s.hidden]));
  const scale = g.addInitializer('attn_scale', float32Tensor([], [1 / Math.sqrt(headDim)]));
  let x = node('Gather', [weight('embed_tokens.weight', [s.vocab, s.hidden], 1), ids], 'embed');
  const norm = (h: Value, name: string) =>
    node('LayerNormalization', [h, ones(`${name}.weight`), zeros(`${name}.bias`)], name, { axis: attr.int(-1) });
  for (let l = 0; l < s.layers; l++) {
    const p = `layers.${l}`;
    const h = norm(x, `${p}.input_layernorm`);
    const proj = (t: string) =>
      node('MatMul', [h, weight(`${p}.self_attn.${t}_proj.weight`, [s.hidden, s.hidden], s.hidden)], `${p}.${t}`);
    const heads = (v: Value, t: string, perm: number[]) =>
      node('Transpose', [node('Reshape', [v, splitHeads], `${p}.${t}_heads`)], `${p}.${t}_t`, {
        perm: attr.ints(perm),
      });
    const q = heads(proj('q'), 'q', [0, 2, 1, 3]);
    const k = heads(proj('k'), 'k', [0, 2, 3, 1]);
    const v = heads(proj('v'), 'v', [0, 2, 1, 3]);
    const scores = node('Mul', [node('MatMul', [q, k], `${p}.qk`), scale], `${p}.scores`);
    const ctx = node('MatMul', [node('Softmax', [scores], `${p}.probs`, { axis: attr.int(-1) }), v], `${p}.ctx`);
    const merged = node(
      'Reshape',
      [node('Transpose', [ctx], `${p}.ctx_t`, { perm: attr.ints([0, 2, 1, 3]) }), mergeHeads],
      `${p}.ctx_m`,
    );
    const o = node(
      'MatMul',
      [merged, weight(`${p}.self_attn.o_proj.weight`, [s.hidden, s.hidden], s.hidden)],
      `${p}.o`,
    );
    x = node('Add', [x, o], `${p}.attn_residual`);
    const h2 = norm(x, `${p}.post_attention_layernorm`);
    const gate = node('MatMul', [h2, weight(`${p}.mlp.gate_proj.weight`, [s.hidden, s.ffn], s.hidden)], `${p}.gate`);
    const up = node('MatMul', [h2, weight(`${p}.mlp.up_proj.weight`, [s.hidden, s.ffn], s.hidden)], `${p}.up`);
    const act = node(
      'Mul',
      [node('Mul', [gate, node('Sigmoid', [gate], `${p}.gate_sigmoid`)], `${p}.silu`), up],
      `${p}.gated`,
    );
    const down = node('MatMul', [act, weight(`${p}.mlp.down_proj.weight`, [s.ffn, s.hidden], s.ffn)], `${p}.down`);
    x = node('Add', [x, down], `${p}.mlp_residual`);
  }
  const logits = node('MatMul', [norm(x, 'norm'), weight('lm_head.weight', [s.hidden, s.vocab], s.hidden)], 'logits');
  logits.type = tensorType('float32', ['batch_size', 'sequence_length', s.vocab]);
  g.setOutputs([logits]);
  return m;
}

/** Writes the Hugging Face folder; returns the float weight bytes. */
export function writeSyntheticDecoder(out: string, s: DecoderShape): number {
  mkdirSync(join(out, 'onnx'), { recursive: true });
  writeOnnxFile(syntheticDecoder(s), join(out, 'onnx', 'model.onnx'), {
    externalData: { location: 'model.onnx_data' },
  });
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: s.hidden,
    intermediate_size: s.ffn,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    vocab_size: s.vocab,
    'transformers.js_config': { use_external_data_format: true },
  };
  writeFileSync(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return decoderParameters(s) * 4;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      layers: { type: 'string', default: '36' },
      hidden: { type: 'string', default: '1024' },
      ffn: { type: 'string', default: '2816' },
      vocab: { type: 'string', default: '32000' },
      heads: { type: 'string', default: '16' },
    },
  });
  const out = positionals[0];
  if (!out) throw new Error('usage: synthetic-decoder.ts <out folder> [--layers N] [--hidden N] [--ffn N] [--vocab N]');
  const shape = {
    layers: Number(values.layers),
    hidden: Number(values.hidden),
    ffn: Number(values.ffn),
    vocab: Number(values.vocab),
    heads: Number(values.heads),
  };
  const t0 = performance.now();
  const bytes = writeSyntheticDecoder(out, shape);
  console.log(
    `wrote ${out}: ${(bytes / 1e9).toFixed(2)} GB of float32 weights in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}
