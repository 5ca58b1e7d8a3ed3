// The passes that ship with enxuto: each passes-* package (and @enxuto/hf) lists its own in `passes`. The CLI's
// commands (run, passes, schema) and the docs all read this one registry.
import { passes as hf } from '@enxuto/hf';
import { passes as distill } from '@enxuto/passes-distill/node';
import { passes as graph } from '@enxuto/passes-graph';
import { passes as prune } from '@enxuto/passes-prune';
import { passes as quantize } from '@enxuto/passes-quantize';
import type { PassDefinition } from '@enxuto/pass';
import { createRegistry, type PassRegistry } from '@enxuto/pipeline';

export const BUILTIN_PASSES: readonly PassDefinition[] = [...graph, ...quantize, ...prune, ...distill, ...hf];

/** A fresh registry of the built-in passes (plugins go into copies). */
export function builtinRegistry(): PassRegistry {
  return createRegistry(BUILTIN_PASSES);
}
