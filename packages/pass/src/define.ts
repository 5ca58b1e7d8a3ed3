// definePass / definePlugin: check a definition once, when it is made, so a malformed pass fails
// at import time with its name rather than halfway through a pipeline.
import { ConfigError, type Model } from '@enxuto/ir';
import { z } from 'zod';
import type {
  OptionsSchema,
  PassContext,
  PassDefinition,
  PassNeed,
  PassResult,
  PassStats,
  PluginDefinition,
} from './types.js';

const PASS_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const NAMESPACE = /^@?[a-z0-9][a-z0-9._-]*$/;
const NEEDS: readonly PassNeed[] = ['data', 'runtime', 'training'];

/** True for `verb-noun` names and namespaced `acme/verb-noun` names. */
export function isValidPassName(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0) return PASS_NAME.test(name);
  return NAMESPACE.test(name.slice(0, slash)) && PASS_NAME.test(name.slice(slash + 1));
}

export function isNamespaced(name: string): boolean {
  return name.includes('/');
}

export interface PassSpec<S extends OptionsSchema, R extends PassStats> {
  name: string;
  summary: string;
  /** Defaults to no options. */
  options?: S;
  needs?: readonly PassNeed[];
  /**
   * Whether `run` changes the model it is given (see PassDefinition.inPlace). Default true, the
   * safe assumption for callers; say `false` when the pass works on a copy.
   */
  inPlace?: boolean;
  run(model: Model, options: z.output<S>, ctx: PassContext): Promise<PassResult<R>>;
}

/** A checked pass definition; `options` keeps its precise schema type. */
export type DefinedPass<S extends OptionsSchema, R extends PassStats> = PassDefinition<z.output<S>, R> & {
  readonly options: S;
};

// biome-ignore lint/complexity/noBannedTypes: zod's own spelling of an object with no options
export function definePass<S extends OptionsSchema = z.ZodObject<{}>, R extends PassStats = PassStats>(
  spec: PassSpec<S, R>,
): DefinedPass<S, R> {
  const bad = (why: string, field: string) =>
    new ConfigError(`pass ${JSON.stringify(spec.name)}: ${why}`, { code: 'pass/bad-definition', field });
  if (typeof spec.name !== 'string' || !isValidPassName(spec.name)) {
    throw bad('a pass name is kebab-case, optionally namespaced (fold-batchnorm, acme/prune-sparsegpt)', 'name');
  }
  if (typeof spec.summary !== 'string' || spec.summary.trim() === '' || spec.summary.includes('\n')) {
    throw bad('the summary must be one non-empty line', 'summary');
  }
  const options = spec.options ?? (z.strictObject({}) as unknown as S);
  if (!(options instanceof z.ZodObject)) throw bad('options must be a zod object schema (z.object({...}))', 'options');
  const needs = [...(spec.needs ?? [])];
  for (const n of needs)
    if (!NEEDS.includes(n)) throw bad(`unknown need ${JSON.stringify(n)} (known: ${NEEDS.join(', ')})`, 'needs');
  if (spec.inPlace !== undefined && typeof spec.inPlace !== 'boolean')
    throw bad('inPlace must be a boolean', 'inPlace');
  if (typeof spec.run !== 'function') throw bad('run must be a function', 'run');
  const defined = {
    name: spec.name,
    summary: spec.summary,
    options,
    needs,
    inPlace: spec.inPlace ?? true,
    run: spec.run,
  };
  // TypeScript cannot see that a ZodObject S parses to z.output<S>; it does by definition.
  return Object.freeze(defined) as unknown as DefinedPass<S, R>;
}

export function definePlugin(spec: { name: string; passes: readonly PassDefinition[] }): PluginDefinition {
  if (typeof spec.name !== 'string' || !NAMESPACE.test(spec.name.replace(/^@([^/]+)\//, '$1-'))) {
    throw new ConfigError(`plugin name ${JSON.stringify(spec.name)} is not an npm package name`, {
      code: 'plugin/bad-definition',
      field: 'name',
    });
  }
  for (const p of spec.passes) {
    if (!isNamespaced(p.name)) {
      throw new ConfigError(`plugin ${spec.name}: pass ${p.name} must be namespaced (e.g. acme/${p.name})`, {
        code: 'plugin/unnamespaced-pass',
        field: 'passes',
      });
    }
  }
  return Object.freeze({ name: spec.name, passes: Object.freeze([...spec.passes]) });
}
