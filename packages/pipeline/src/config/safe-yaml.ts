// YAML for untrusted pipeline files: the core schema only (no !!js/function or other custom tags),
// a bounded alias count (no billion-laughs), bounded depth, and no keys that could reach an
// object prototype (`__proto__`, `constructor`, `prototype`, also through `<<` merges).
import { ConfigError } from '@enxuto/ir';
import { parseDocument } from 'yaml';

export const MAX_PIPELINE_BYTES = 1 << 20;
export const MAX_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseYamlSafe(text: string, file?: string): unknown {
  const where = file !== undefined ? { file } : {};
  if (text.length > MAX_PIPELINE_BYTES) {
    throw new ConfigError(`pipeline file is larger than ${MAX_PIPELINE_BYTES} bytes`, {
      code: 'config/too-large',
      ...where,
    });
  }
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { schema: 'core', merge: false, uniqueKeys: true, prettyErrors: false, customTags: [] });
  } catch (e) {
    throw new ConfigError(`YAML rejected: ${(e as Error).message}`, { code: 'config/yaml-syntax', cause: e, ...where });
  }
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const tag = /tag/i.test(problem.message);
    // Scoped npm names (plugins: [@acme/x]) are the usual way to hit YAML's reserved '@'.
    const hint = /reserved character [@`]/.test(problem.message) ? " (quote it: plugins: ['@acme/x'])" : '';
    throw new ConfigError(
      `${tag ? 'unsupported YAML tag' : 'invalid YAML'}: ${problem.message.split('\n')[0]}${hint}`,
      {
        code: tag ? 'config/yaml-tag' : 'config/yaml-syntax',
        offset: problem.pos[0],
        ...where,
      },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`YAML rejected: ${(e as Error).message}`, {
      code: 'config/yaml-aliases',
      cause: e,
      ...where,
    });
  }
  return checkPlainData(value, file);
}

/** Rejects forbidden keys and deep nesting in parsed JSON/YAML; returns the value unchanged. */
export function checkPlainData(value: unknown, file?: string): unknown {
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      throw new ConfigError(`nesting deeper than ${MAX_DEPTH} levels`, {
        code: 'config/too-deep',
        field: path,
        ...(file ? { file } : {}),
      });
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}.${i}`, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) {
        throw new ConfigError('only plain mappings are allowed', {
          code: 'config/not-plain',
          field: path,
          ...(file ? { file } : {}),
        });
      }
      for (const k of Reflect.ownKeys(v)) {
        const key = String(k);
        const at = path ? `${path}.${key}` : key;
        if (FORBIDDEN_KEYS.has(key) || key === '<<') {
          throw new ConfigError(`key ${JSON.stringify(key)} is not allowed`, {
            code: 'config/forbidden-key',
            field: at,
            ...(file ? { file } : {}),
          });
        }
        walk((v as Record<string, unknown>)[key], at, depth + 1);
      }
    }
  };
  walk(value, '', 0);
  return value;
}

/** JSON with the same checks (JSON.parse itself turns `__proto__` into an own key, which we reject). */
export function parseJsonSafe(text: string, file?: string): unknown {
  if (text.length > MAX_PIPELINE_BYTES) {
    throw new ConfigError(`pipeline file is larger than ${MAX_PIPELINE_BYTES} bytes`, {
      code: 'config/too-large',
      ...(file ? { file } : {}),
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`invalid JSON: ${(e as Error).message}`, {
      code: 'config/json-syntax',
      cause: e,
      ...(file ? { file } : {}),
    });
  }
  return checkPlainData(value, file);
}
