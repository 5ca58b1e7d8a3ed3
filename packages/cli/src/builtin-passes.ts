// The passes that ship with enxuto: each passes-* package (and @enxuto/hf) lists its own in
// `passes`. The CLI's commands (run, passes, schema) and the docs all read this one registry.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { passes as hf } from '@enxuto/hf';
import type { PassDefinition } from '@enxuto/pass';
import { passes as distill } from '@enxuto/passes-distill/node';
import { passes as graph } from '@enxuto/passes-graph';
import { passes as prune } from '@enxuto/passes-prune';
import { passes as quantize } from '@enxuto/passes-quantize';
import { PassRegistry } from '@enxuto/pipeline';
import { findPackageDir } from '@enxuto/pipeline/node';

/** Each package with the passes it ships; its folder's files key the pass cache. */
const BUILTIN_PACKAGES: readonly (readonly [string, readonly PassDefinition[]])[] = [
  ['@enxuto/passes-graph', graph],
  ['@enxuto/passes-quantize', quantize],
  ['@enxuto/passes-prune', prune],
  ['@enxuto/passes-distill', distill],
  ['@enxuto/hf', hf],
];

export const BUILTIN_PASSES: readonly PassDefinition[] = BUILTIN_PACKAGES.flatMap(([, passes]) => passes);

/** A fresh registry of the built-in passes (plugins go into copies). */
export function builtinRegistry(): PassRegistry {
  const here = dirname(fileURLToPath(import.meta.url));
  const registry = new PassRegistry();
  for (const [name, passes] of BUILTIN_PACKAGES) registry.registerBuiltins(passes, findPackageDir(name, here));
  return registry;
}
