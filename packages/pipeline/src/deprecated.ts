// The pass API moved to @enxuto/pass (a plugin then installs without the runtimes). These
// re-exports keep plugins written against @enxuto/pipeline working; import from @enxuto/pass.
import {
  definePass as definePassImpl,
  definePlugin as definePluginImpl,
  isNamespaced as isNamespacedImpl,
  isValidPassName as isValidPassNameImpl,
} from '@enxuto/pass';
import type * as P from '@enxuto/pass';
import { testPassContext as testPassContextImpl } from '@enxuto/pass/testing';
import type * as T from '@enxuto/pass/testing';

/** @deprecated import `definePass` from `@enxuto/pass`. */
export const definePass = definePassImpl;
/** @deprecated import `definePlugin` from `@enxuto/pass`. */
export const definePlugin = definePluginImpl;
/** @deprecated import `isValidPassName` from `@enxuto/pass`. */
export const isValidPassName = isValidPassNameImpl;
/** @deprecated import `isNamespaced` from `@enxuto/pass`. */
export const isNamespaced = isNamespacedImpl;
/** @deprecated import `testPassContext` from `@enxuto/pass/testing`. */
export const testPassContext = testPassContextImpl;

/** @deprecated import from `@enxuto/pass`. */
export type DataRole = P.DataRole;
/** @deprecated import from `@enxuto/pass`. */
export type Logger = P.Logger;
/** @deprecated import from `@enxuto/pass`. */
export type OptionsSchema = P.OptionsSchema;
/** @deprecated import from `@enxuto/pass`. */
export type PassContext = P.PassContext;
/** @deprecated import from `@enxuto/pass`. */
// biome-ignore lint/suspicious/noExplicitAny: the same erased default as @enxuto/pass
export type PassDefinition<O = any, S extends P.PassStats = P.PassStats> = P.PassDefinition<O, S>;
/** @deprecated import from `@enxuto/pass`. */
export type PassNeed = P.PassNeed;
/** @deprecated import from `@enxuto/pass`. */
export type PassResult<S extends P.PassStats = P.PassStats> = P.PassResult<S>;
/** @deprecated import from `@enxuto/pass`. */
export type PassSpec<S extends P.OptionsSchema, R extends P.PassStats> = P.PassSpec<S, R>;
/** @deprecated import from `@enxuto/pass`. */
export type PluginDefinition = P.PluginDefinition;
/** @deprecated import from `@enxuto/pass`. */
export type ProgressReporter = P.ProgressReporter;
/** @deprecated import from `@enxuto/pass/testing`. */
export type TestPassContextOptions = T.TestPassContextOptions;
