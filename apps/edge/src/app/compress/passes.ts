// The passes a page can run: every built-in pass that needs no Node API. Training passes
// (distill, finetune) are not listed: a pipeline naming one gets the registry's "unknown pass"
// error with the list of these.
import { passes as graphPasses } from '@enxuto/passes-graph';
import { passes as prunePasses } from '@enxuto/passes-prune';
import { passes as quantizePasses } from '@enxuto/passes-quantize';
import { PassRegistry } from '@enxuto/pipeline';

export function browserRegistry(): PassRegistry {
  return new PassRegistry().registerBuiltins([...graphPasses, ...quantizePasses, ...prunePasses]);
}
