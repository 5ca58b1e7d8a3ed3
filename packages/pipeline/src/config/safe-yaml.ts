// YAML for untrusted pipeline files: the core schema only (no !!js/function or other custom tags),
// a bounded alias count (no billion-laughs), bounded depth, a bounded number of nodes (counted on
// the token stream before anything is built), duplicate keys found in linear time (the yaml
// library's own check is quadratic in the keys of a mapping), and no keys that could reach an
// object prototype (`__proto__`, `constructor`, `prototype`, also through `<<` merges).
import { DEFAULT_LIMITS, describeJsonError } from '@enxuto/io';
import { ConfigError } from '@enxuto/ir';
import { isMap, isScalar, Lexer, parseDocument, visit } from 'yaml';

export const MAX_PIPELINE_BYTES = 1 << 20;
export const MAX_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Tokens a node takes at most on the lexer's stream (scalar, indicator, space, newline). */
const TOKENS_PER_NODE = 4;

function tooManyNodes(maxNodes: number, file: string | undefined): ConfigError {
  return new ConfigError(`more than ${maxNodes} keys, values and items (limit maxConfigNodes)`, {
    code: 'config/too-many-nodes',
    ...(file !== undefined ? { file } : {}),
  });
}

/** Counts tokens (linear, nothing built) and stops as soon as the file is certainly too big. */
function checkTokenCount(text: string, maxNodes: number, file: string | undefined): void {
  const max = maxNodes * TOKENS_PER_NODE;
  let n = 0;
  for (const _ of new Lexer().lex(text)) if (++n > max) throw tooManyNodes(maxNodes, file);
}

/** Exact node count and duplicate keys, in one linear walk of the document. */
function checkNodes(doc: ReturnType<typeof parseDocument>, maxNodes: number, file: string | undefined): void {
  let nodes = 0;
  visit(doc, {
    Node(_key, node) {
      if (++nodes > maxNodes) throw tooManyNodes(maxNodes, file);
      if (!isMap(node)) return;
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(k)) {
          throw new ConfigError(`key ${JSON.stringify(String(k))} appears twice in one mapping`, {
            code: 'config/duplicate-key',
            ...(file !== undefined ? { file } : {}),
            ...(isScalar(pair.key) && pair.key.range ? { offset: pair.key.range[0] } : {}),
          });
        }
        seen.add(k);
      }
    },
  });
}

export function parseYamlSafe(text: string, file?: string, maxNodes = DEFAULT_LIMITS.maxConfigNodes): unknown {
  const where = file !== undefined ? { file } : {};
  if (text.length > MAX_PIPELINE_BYTES) {
    throw new ConfigError(`pipeline file is larger than ${MAX_PIPELINE_BYTES} bytes`, {
      code: 'config/too-large',
      ...where,
    });
  }
  checkTokenCount(text, maxNodes, file);
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { schema: 'core', merge: false, uniqueKeys: false, prettyErrors: false, customTags: [] });
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
  checkNodes(doc, maxNodes, file);
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
  return checkPlainData(value, file, maxNodes);
}

/** Rejects forbidden keys, deep nesting and too many nodes in parsed JSON/YAML; returns the value unchanged. */
export function checkPlainData(value: unknown, file?: string, maxNodes = DEFAULT_LIMITS.maxConfigNodes): unknown {
  let nodes = 0;
  const walk = (v: unknown, path: string, depth: number): void => {
    if (++nodes > maxNodes) throw tooManyNodes(maxNodes, file);
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
export function parseJsonSafe(text: string, file?: string, maxNodes = DEFAULT_LIMITS.maxConfigNodes): unknown {
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
    const { message, offset } = describeJsonError(e);
    throw new ConfigError(`invalid JSON: ${message}`, {
      code: 'config/json-syntax',
      cause: e,
      ...(offset !== undefined ? { offset } : {}),
      ...(file ? { file } : {}),
    });
  }
  return checkPlainData(value, file, maxNodes);
}
