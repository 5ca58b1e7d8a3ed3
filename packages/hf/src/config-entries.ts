// config.json entries Transformers.js reads under `transformers.js_config`: which variant files
// have external data (`use_external_data_format`: file name -> number of `_data` chunks).

/** config.json with `files` (e.g. `model_q4.onnx`) marked as having one external data chunk. */
export function withExternalData(config: Record<string, unknown>, files: readonly string[]): Record<string, unknown> {
  if (files.length === 0) return config;
  const tj = { ...((config['transformers.js_config'] as Record<string, unknown> | undefined) ?? {}) };
  const prev = tj.use_external_data_format;
  // true / a number already covers every file of the folder.
  if (prev === true || typeof prev === 'number') return config;
  const table: Record<string, unknown> = typeof prev === 'object' && prev !== null ? { ...prev } : {};
  for (const f of files) table[f] = 1;
  tj.use_external_data_format = table;
  return { ...config, 'transformers.js_config': tj };
}
