// `enxuto variants <hf folder> --out <folder>`: the dtype variants Transformers.js loads.
import { join, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { checkDtypes, DEFAULT_DTYPES, DTYPES, writeVariants, type Dtype, type VariantReport } from '@enxuto/hf/node';
import { readTokenWindows } from '@enxuto/pipeline/node';
import { defaultBackend } from '@enxuto/runtime/node';
import { intOption, parseCommandArgs, positionals, type Command } from './command.js';

function dtypeList(raw: string | undefined): Dtype[] {
  if (raw === undefined) return [...DEFAULT_DTYPES];
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return checkDtypes(list, '--dtypes');
}

function formatReport(r: VariantReport): string {
  return `  ${r.file.padEnd(28)} ${String(r.bytes).padStart(12)} bytes  ${r.ratio.toFixed(3)}x  ${r.seconds.toFixed(1)} s\n`;
}

export const variantsCommand: Command = {
  name: 'variants',
  summary:
    'write the dtype variants Transformers.js loads (fp16, q8, int8, uint8, q4, q4f16, bnb4) of a Hugging Face model folder',
  usage: `enxuto variants <model folder> --out <folder> [--dtypes fp16,q8,q4,...] [--block-size N] [--symmetric]
                [--accuracy-level N] [--method rtn|gptq|awq --calibration <tokens>] [--json]

  <model folder>        a Hugging Face folder: config.json, tokenizer files, onnx/model.onnx (or several
                        models in onnx/, external data allowed: a model with external data is made into
                        every dtype streamed, about one layer in memory, and written with external data)
  --out <folder>        a new folder (or an empty one): the same files, plus onnx/<model>_<dtype>.onnx
  --dtypes <list>       comma-separated, default ${DEFAULT_DTYPES.join(',')}
${Object.entries(DTYPES)
  .map(([k, v]) => `                          ${k.padEnd(6)} ${v.summary}`)
  .join('\n')}
  --block-size N        4-bit weights per scale (default 32)
  --symmetric           4-bit blocks without zero points (default: asymmetric, a little more exact)
  --accuracy-level N    MatMulNBits accuracy_level 0-4 (4: int8 activations in the kernel, faster on CPU)
  --method <m>          4-bit weights by round to nearest (rtn, default), gptq or awq
  --calibration <file>  token windows for gptq/awq: a .npy of ids, or text (encoded with the folder's tokenizer.json)
  --calibration-samples N  windows used (default 32); --window N tokens per window for text (default 128)
  --json                print the list of files written as JSON`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('variants', argv, {
      out: { type: 'string' },
      dtypes: { type: 'string' },
      'block-size': { type: 'string' },
      symmetric: { type: 'boolean' },
      'accuracy-level': { type: 'string' },
      method: { type: 'string' },
      calibration: { type: 'string' },
      'calibration-samples': { type: 'string' },
      window: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [folder] = positionals('variants', pos, ['model folder']);
    if (!values.out) throw new ConfigError('--out <folder> is required', { code: 'cli/bad-argument', field: '--out' });
    const method = values.method ?? 'rtn';
    if (method !== 'rtn' && method !== 'gptq' && method !== 'awq') {
      throw new ConfigError(`--method must be rtn, gptq or awq, got '${method}'`, {
        code: 'cli/bad-argument',
        field: '--method',
      });
    }
    if (method !== 'rtn' && !values.calibration) {
      throw new ConfigError(`--method ${method} needs --calibration <tokens>`, {
        code: 'cli/bad-argument',
        field: '--calibration',
      });
    }
    let calibration;
    if (values.calibration) {
      const tokens = readTokenWindows(values.calibration, {
        tokenizer: join(resolve(folder!), 'tokenizer.json'),
        ...(values.window !== undefined ? { window: intOption('window', values.window, 128, 2, 1 << 20) } : {}),
      });
      const rows = Math.min(
        tokens.rows,
        intOption('calibration-samples', values['calibration-samples'], 32, 1, 1 << 20),
      );
      calibration = {
        tokens: { ...tokens, rows, ids: tokens.ids.subarray(0, rows * tokens.length) },
        backend: defaultBackend(),
      };
    }
    const reports = await writeVariants(folder!, values.out, {
      dtypes: dtypeList(values.dtypes),
      blockSize: intOption('block-size', values['block-size'], 32, 16, 4096),
      symmetric: values.symmetric ?? false,
      accuracyLevel: intOption('accuracy-level', values['accuracy-level'], 0, 0, 4),
      method,
      ...(calibration ? { calibration } : {}),
      onVariant: (r) => {
        if (!values.json) io.err(formatReport(r));
      },
    });
    io.out(
      values.json ? `${JSON.stringify({ out: values.out, variants: reports }, null, 2)}\n` : `wrote ${values.out}\n`,
    );
    return 0;
  },
};
