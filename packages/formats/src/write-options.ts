// Each format's write options as a zod schema: the format table carries it (FormatSniffer's
// `writeOptions`), so the handler, the pipeline's validation (before any pass runs) and the
// pipeline's JSON Schema read the same definition. Unknown keys are refused with the key named,
// so a typo (`mdoe: int8`) cannot silently write a float model.
import { ConfigError } from '@enxuto/ir';
import { EXPORT_MODES } from '@enxuto/tflite';
import { z } from 'zod';

export const onnxWriteOptions = z.strictObject({
  externalData: z
    .strictObject({
      location: z.string().min(1).max(4096).describe('data file, beside the model'),
      threshold: z
        .number()
        .min(0)
        .optional()
        .describe('initializers of this many bytes or more go there (default 1024)'),
    })
    .optional()
    .describe('store large initializers in a separate file'),
});

export const tfjsWriteOptions = z.strictObject({
  quantize: z
    .enum(['uint8', 'uint16', 'float16', 'none'])
    .optional()
    .describe('weight quantization of the manifest (default: uint8 for a QDQ model, else none)'),
});

export const tfliteWriteOptions = z.strictObject({
  mode: z
    .enum(EXPORT_MODES)
    .optional()
    .describe('default: int8 for a model holding QuantizeLinear (QDQ), else float32'),
  inputLayout: z.enum(['NCHW', 'NHWC']).optional().describe('layout of rank-4 graph inputs (default NCHW)'),
  sparseWeights: z
    .enum(['auto', 'never'])
    .optional()
    .describe('auto (default): pruned float weights stored as CSR behind DENSIFY when smaller'),
});

export type OnnxWriteOptions = z.output<typeof onnxWriteOptions>;
export type TfjsWriteOptions = z.output<typeof tfjsWriteOptions>;
export type TfliteWriteOptions = z.output<typeof tfliteWriteOptions>;

/** A format's write-options schema: a strict object, so every key it takes is listed. */
export type WriteOptionsSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

/** Keys writeModel itself passes to every handler, not the format's own. */
const GENERIC = ['force', 'protect'];

/**
 * The format's own options out of `raw`, checked against its schema. A ConfigError names the key
 * (`format/unknown-option`) or the value (`format/bad-option`); `field` prefixes it
 * (`outputs.2.options`), `file` locates it.
 */
export function parseWriteOptions<S extends WriteOptionsSchema>(
  format: string,
  schema: S,
  raw: Record<string, unknown>,
  where: { file?: string; field?: string } = {},
): z.output<S> {
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => !GENERIC.includes(k)));
  const result = schema.safeParse(own);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  const loc = where.file !== undefined ? { file: where.file } : {};
  const fieldOf = (p: string[]) => [...(where.field ? [where.field] : []), ...p].join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const field = fieldOf([...path, key]);
    const shape = path.length === 0 ? schema.shape : undefined;
    const known = shape ? Object.keys(shape) : [];
    const hint =
      shape === undefined
        ? ''
        : known.length > 0
          ? ` (${format} takes ${known.join(', ')})`
          : ` (${format} takes no options)`;
    throw new ConfigError(
      `${where.field ? `${field}: ` : ''}unknown ${format} option '${[...path, key].join('.')}'${hint}`,
      {
        code: 'format/unknown-option',
        field,
        ...loc,
      },
    );
  }
  const field = fieldOf(path);
  throw new ConfigError(`${field}: bad ${format} option: ${issue.message}`, {
    code: 'format/bad-option',
    field,
    cause: result.error,
    ...loc,
  });
}
