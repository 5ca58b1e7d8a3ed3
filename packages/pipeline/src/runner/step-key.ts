// Cache keys as text, hashed by whichever SHA-256 the host has (node:crypto, Web Crypto), so the
// CLI and a page compute the same keys.

/** JSON with sorted keys, so option order in a pipeline file does not change a key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What step i's key hashes: the key of step i-1, the pass name, its code identity, options, seed,
 * and the content hash of every file its options name (by field; left out when there are none).
 */
export function stepKeyText(
  previous: string,
  pass: string,
  code: string,
  options: unknown,
  seed: number,
  files: Readonly<Record<string, string>> = {},
): string {
  return canonicalJson({ previous, pass, code, options, seed, ...(Object.keys(files).length ? { files } : {}) });
}
