// The dtypes Transformers.js loads, the file suffix it looks for (`onnx/<name><suffix>.onnx`), and
// what enxuto writes for each. Names and suffixes follow DEFAULT_DTYPE_SUFFIX_MAPPING of
// @huggingface/transformers.
import { ConfigError } from '@enxuto/ir';

export const DTYPES = {
  fp16: { suffix: '_fp16', summary: 'float16 weights and compute (float32 inputs and outputs behind Casts)' },
  q8: {
    suffix: '_quantized',
    summary: 'int8 weights, activations quantized at run time (MatMulInteger); 8-bit embeddings',
  },
  int8: { suffix: '_int8', summary: 'as q8: int8 weights, dynamic int8 activations; 8-bit embeddings' },
  uint8: { suffix: '_uint8', summary: 'uint8 (asymmetric) weights, dynamic activations; 8-bit embeddings' },
  q4: {
    suffix: '_q4',
    summary: '4-bit block-wise weights (MatMulNBits, GatherBlockQuantized for embeddings), float32 compute',
  },
  q4f16: { suffix: '_q4f16', summary: 'q4 with float16 compute, scales and other weights' },
  bnb4: { suffix: '_bnb4', summary: '4-bit NormalFloat weights (MatMulBnb4), 4-bit embeddings' },
} as const;

export type Dtype = keyof typeof DTYPES;
export const DTYPE_NAMES = Object.keys(DTYPES) as Dtype[];
/** What `enxuto variants` writes when no list is given. */
export const DEFAULT_DTYPES: readonly Dtype[] = ['fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

/** Every suffix Transformers.js knows (also ones enxuto does not write), to tell variants from base models. */
export const KNOWN_SUFFIXES = [
  '_fp16',
  '_quantized',
  '_int8',
  '_uint8',
  '_q4',
  '_q4f16',
  '_bnb4',
  '_q2',
  '_q2f16',
  '_q1',
  '_q1f16',
];

export function isDtype(name: string): name is Dtype {
  return Object.hasOwn(DTYPES, name);
}

/**
 * The list as dtypes, or a ConfigError (code `hf/unknown-dtype`) naming the first unknown one and
 * the known ones. `field` names where the list came from (an option or a command-line flag).
 */
export function checkDtypes(list: readonly string[], field = 'dtypes'): Dtype[] {
  for (const d of list) {
    if (!isDtype(d)) {
      throw new ConfigError(`unknown dtype '${d}' (known: ${DTYPE_NAMES.join(', ')})`, {
        code: 'hf/unknown-dtype',
        field,
        value: String(d),
      });
    }
  }
  return [...list] as Dtype[];
}

/** `model` -> `model_q4.onnx`. */
export function variantFileName(base: string, dtype: Dtype): string {
  return `${base}${DTYPES[dtype].suffix}.onnx`;
}

/** True for an ONNX file name that is itself a variant (`model_quantized.onnx`). */
export function isVariantFile(file: string): boolean {
  const base = file.replace(/\.onnx$/, '');
  return KNOWN_SUFFIXES.some((s) => base.endsWith(s));
}
