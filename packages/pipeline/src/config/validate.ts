// Everything about a pipeline file that can be checked before work starts: its shape, each output's
// format options against the format's schema, each pass name against the registry, and each pass's
// options against that pass's schema. Errors name the field (`passes.1.options.sparsity`) and
// suggest the closest name for typos.
import { ConfigError } from '@enxuto/ir';
import type { z } from 'zod';
import { parseDatasetSpec } from '../data/specs.js';
import { closestMatch } from '../edit-distance.js';
import type { PassRegistry } from '../registry.js';
import type { PassDefinition } from '@enxuto/pass';
import { checkOutputOptions } from './output-options.js';
import { dataSchema, gateSchema, pipelineSchema, type PipelineConfig } from './schema.js';

export interface ResolvedPass {
  /** 0-based position in `passes`. */
  index: number;
  name: string;
  definition: PassDefinition;
  /** Options after defaults were applied. */
  options: Record<string, unknown>;
  /** 'builtin' or the plugin package that provides the pass. */
  source: string;
  /** The folder of the package that implements the pass, when known (keys the pass cache). */
  packageDir?: string;
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(pipelineSchema.shape),
  data: Object.keys(dataSchema.shape),
};

function didYouMean(word: string, candidates: readonly string[]): string {
  const m = closestMatch(word, candidates);
  return m ? ` (did you mean ${m}?)` : '';
}

/** A ConfigError for the first zod issue, with the dotted path of the field at fault. */
export function zodConfigError(
  error: z.ZodError,
  prefix: string[],
  file: string | undefined,
  candidatesAt?: (path: string) => readonly string[] | undefined,
): ConfigError {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path.map(String)];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const here = path.join('.');
    const known = candidatesAt?.(here) ?? [];
    message = `unknown key ${JSON.stringify(key)}${didYouMean(key, known)}`;
    path.push(key);
  } else if (issue.code === 'invalid_type') {
    message = `wrong type: ${issue.message}`;
  } else if (issue.code === 'too_big' || issue.code === 'too_small') {
    message = `out of range: ${issue.message}`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new ConfigError(`${path.join('.') || 'pipeline'}: ${message}${more}`, {
    code: 'config/invalid',
    field: path.join('.'),
    cause: error,
    ...(file !== undefined ? { file } : {}),
  });
}

/** Validates the pipeline file's shape and fills in defaults. */
export function parsePipelineConfig(raw: unknown, file?: string): PipelineConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('a pipeline file must be a mapping (input, passes, outputs...)', {
      code: 'config/invalid',
      ...(file ? { file } : {}),
    });
  }
  // Dataset specs first: their own parser gives sharper messages than the union's.
  const data = (raw as { data?: unknown }).data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const [role, spec] of Object.entries(data)) {
      if (role in dataSchema.shape && spec !== undefined) {
        try {
          parseDatasetSpec(spec, `data.${role}`);
        } catch (e) {
          const err = e as Error & { code?: string; field?: string };
          throw new ConfigError(err.message, {
            code: 'config/invalid',
            field: err.field ?? `data.${role}`,
            cause: e,
            ...(file ? { file } : {}),
          });
        }
      }
    }
  }
  const result = pipelineSchema.safeParse(raw);
  if (!result.success) {
    throw zodConfigError(
      result.error,
      [],
      file,
      (at) => KNOWN_KEYS[at] ?? (/^gates\.\d+$/.test(at) ? Object.keys(gateSchema.shape ?? {}) : undefined),
    );
  }
  checkOutputOptions(result.data.outputs, file);
  return result.data;
}

/** Looks up every pass and validates its options. */
export function resolvePasses(config: PipelineConfig, registry: PassRegistry, file?: string): ResolvedPass[] {
  const where = file !== undefined ? { file } : {};
  return config.passes.map((entry, index) => {
    const name = typeof entry === 'string' ? entry : entry.type;
    const rawOptions = typeof entry === 'string' ? {} : entry.options;
    const field = typeof entry === 'string' ? `passes.${index}` : `passes.${index}.type`;
    const reg = registry.entry(name);
    if (!reg) {
      const known = registry.names();
      throw new ConfigError(
        `unknown pass ${JSON.stringify(name)}${didYouMean(name, known)}; known passes: ${known.join(', ') || '(none)'}` +
          (name.includes('/') ? ' (is its plugin listed under plugins:?)' : ''),
        { code: 'config/unknown-pass', field, ...where },
      );
    }
    const schema = reg.definition.options;
    const known = Object.keys(schema.shape);
    for (const key of Object.keys(rawOptions)) {
      if (!known.includes(key)) {
        throw new ConfigError(
          `pass ${name} has no option ${JSON.stringify(key)}${didYouMean(key, known)}; its options: ${known.join(', ') || '(none)'}`,
          { code: 'config/unknown-option', field: `passes.${index}.options.${key}`, ...where },
        );
      }
    }
    const parsed = schema.safeParse(rawOptions);
    if (!parsed.success) {
      const e = zodConfigError(parsed.error, ['passes', String(index), 'options'], file);
      throw new ConfigError(`pass ${name}: ${e.message}`, {
        code: 'config/bad-option',
        field: e.field!,
        cause: parsed.error,
        ...where,
      });
    }
    return {
      index,
      name,
      definition: reg.definition,
      options: parsed.data as Record<string, unknown>,
      source: reg.source,
      ...(reg.packageDir !== undefined ? { packageDir: reg.packageDir } : {}),
    };
  });
}
