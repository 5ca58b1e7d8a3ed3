// `--set passes.1.options.sparsity=0.8`: change one value of a parsed pipeline file from the
// command line. Values parse as YAML scalars/flow (0.8, true, [1, 2], {a: 1}); paths are dotted,
// numeric segments index arrays, and a bare pass name is expanded to { type, options } first.
import { ConfigError } from '@enxuto/ir';
import { parseYamlSafe } from './safe-yaml.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function parseSetArgument(arg: string): { path: string[]; value: unknown } {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw new ConfigError(`--set expects path=value, got ${JSON.stringify(arg)}`, {
      code: 'config/bad-set',
      field: arg,
    });
  }
  const path = arg.slice(0, eq).split('.');
  if (path.some((p) => p === '' || FORBIDDEN.has(p))) {
    throw new ConfigError(`--set path ${JSON.stringify(arg.slice(0, eq))} is not allowed`, {
      code: 'config/bad-set',
      field: arg.slice(0, eq),
    });
  }
  return { path, value: parseYamlSafe(arg.slice(eq + 1)) };
}

/** Returns a copy of `config` with every `path=value` applied in order. */
export function applyOverrides(config: unknown, sets: readonly string[]): unknown {
  let root = structuredClone(config);
  for (const s of sets) {
    const { path, value } = parseSetArgument(s);
    root = setAt(root, path, value, s);
  }
  return root;
}

function setAt(root: unknown, path: string[], value: unknown, arg: string): unknown {
  if (root === null || typeof root !== 'object') root = {};
  let cur = root as Record<string, unknown> | unknown[];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const at = path.slice(0, i + 1).join('.');
    if (Array.isArray(cur)) {
      const idx = Number(key);
      if (!Number.isInteger(idx) || idx < 0 || idx > cur.length) {
        throw new ConfigError(`--set ${arg}: index ${key} is outside the list of ${cur.length}`, {
          code: 'config/bad-set',
          field: at,
        });
      }
      // `passes.1.options.x` on a bare pass name: expand it so options can be set.
      if (!last && typeof cur[idx] === 'string' && path[i - 1] === 'passes') cur[idx] = { type: cur[idx], options: {} };
      if (last) cur[idx] = value;
      else {
        if (cur[idx] === null || typeof cur[idx] !== 'object') cur[idx] = /^\d+$/.test(path[i + 1]!) ? [] : {};
        cur = cur[idx] as Record<string, unknown> | unknown[];
      }
    } else {
      if (last) cur[key] = value;
      else {
        if (cur[key] === null || typeof cur[key] !== 'object') cur[key] = /^\d+$/.test(path[i + 1]!) ? [] : {};
        cur = cur[key] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}
