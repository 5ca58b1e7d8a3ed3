// Streaming benchmark (issue 17): a synthetic decoder of >= 2 GB with external data, quantized to
// q4 by round to nearest and by GPTQ, each in a fresh process: peak RSS and weights per second.
//   npm run bench:llm-stream -w @enxuto/bench [-- rtn]   (results: tools/bench/llm/RESULTS-stream.json)
// Timings take /tmp/enxuto-bench.lock (run under `flock /tmp/enxuto-bench.lock`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decoderParameters, writeSyntheticDecoder, type DecoderShape } from './synthetic-decoder.js';

const work = process.env.ENXUTO_LLM_BENCH_DIR ?? '/tmp/enxuto-llm-bench';
const shape: DecoderShape = { layers: 36, hidden: 1024, ffn: 2816, vocab: 32000, heads: 16 };
const src = join(work, 'synthetic-decoder');
const floatBytes = decoderParameters(shape) * 4;

function npyInt64(rows: number, length: number, vocab: number): Buffer {
  let header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${rows}, ${length}), }`;
  header += `${' '.repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const out = Buffer.alloc(10 + header.length + rows * length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.write(header, 10, 'latin1');
  const ids = new BigInt64Array(out.buffer, out.byteOffset + 10 + header.length, rows * length);
  for (let i = 0; i < ids.length; i++) ids[i] = BigInt((i * 2654435761) % vocab);
  return out;
}

function run(method: 'rtn' | 'gptq', tokens?: string): { seconds: number; cpuSeconds: number; maxRssBytes: number } {
  const out = join(work, `out-${method}`);
  rmSync(out, { recursive: true, force: true });
  const args = ['--conditions=source', join(import.meta.dirname, 'stream-child.ts'), src, out, method];
  if (tokens) args.push(tokens);
  const stdout = execFileSync(join(import.meta.dirname, '../../../node_modules/.bin/tsx'), args, {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
  const q4 = statSync(join(out, 'onnx/model_q4.onnx_data')).size + statSync(join(out, 'onnx/model_q4.onnx')).size;
  rmSync(out, { recursive: true, force: true });
  return { ...r, q4Bytes: q4 };
}

mkdirSync(work, { recursive: true });
if (
  !existsSync(join(src, 'onnx/model.onnx_data')) ||
  statSync(join(src, 'onnx/model.onnx_data')).size < floatBytes * 0.99
) {
  console.log(`making the synthetic decoder (${(floatBytes / 1e9).toFixed(2)} GB) in ${src}`);
  writeSyntheticDecoder(src, shape);
}
const tokens = join(work, 'calibration.npy');
writeFileSync(tokens, npyInt64(8, 128, shape.vocab));
const methods = process.argv.slice(2);
const want = (m: string) => methods.length === 0 || methods.includes(m);
const rtn = want('rtn') ? run('rtn') : undefined;
console.log('rtn', rtn);
const gptq = want('gptq') ? run('gptq', tokens) : undefined;
console.log('gptq', gptq);
const result = { shape, floatBytes, rtn, gptq, calibration: '8 windows x 128 tokens' };
writeFileSync(join(import.meta.dirname, 'RESULTS-stream.json'), `${JSON.stringify(result, null, 2)}\n`);
