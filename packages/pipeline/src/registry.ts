// The one table of passes. CLI help, `enxuto passes`, the JSON Schema and the docs all read it.
import { ConfigError } from '@enxuto/ir';
import { isNamespaced, type PassDefinition, type PluginDefinition } from '@enxuto/pass';

export interface RegisteredPass {
  definition: PassDefinition;
  /** 'builtin' or the plugin package name. */
  source: string;
  /** The folder of the package that implements the pass, when known: its files key the pass cache. */
  packageDir?: string;
}

export class PassRegistry {
  private readonly passes = new Map<string, RegisteredPass>();

  /**
   * Registers built-in passes (the only ones allowed without a namespace); `packageDir` is the
   * folder of the package they come from.
   */
  registerBuiltins(defs: readonly PassDefinition[], packageDir?: string): this {
    for (const d of defs) this.add(d, 'builtin', packageDir);
    return this;
  }

  registerPlugin(plugin: PluginDefinition, packageDir?: string): this {
    for (const d of plugin.passes) {
      if (!isNamespaced(d.name)) {
        throw new ConfigError(`plugin ${plugin.name}: pass ${d.name} must be namespaced`, {
          code: 'plugin/unnamespaced-pass',
          field: 'passes',
        });
      }
      this.add(d, plugin.name, packageDir);
    }
    return this;
  }

  get(name: string): PassDefinition | undefined {
    return this.passes.get(name)?.definition;
  }

  entry(name: string): RegisteredPass | undefined {
    return this.passes.get(name);
  }

  has(name: string): boolean {
    return this.passes.has(name);
  }

  /** Pass names, sorted. */
  names(): string[] {
    return [...this.passes.keys()].sort();
  }

  /** Registered passes, sorted by name. */
  list(): RegisteredPass[] {
    return this.names().map((n) => this.passes.get(n)!);
  }

  /** A copy, so plugins loaded for one pipeline do not leak into the next. */
  clone(): PassRegistry {
    const r = new PassRegistry();
    for (const [k, v] of this.passes) r.passes.set(k, v);
    return r;
  }

  private add(def: PassDefinition, source: string, packageDir: string | undefined): void {
    const existing = this.passes.get(def.name);
    if (existing && existing.definition !== def) {
      throw new ConfigError(`pass ${def.name} from ${source} is already registered by ${existing.source}`, {
        code: 'pass/duplicate',
        field: 'name',
      });
    }
    this.passes.set(def.name, { definition: def, source, ...(packageDir !== undefined ? { packageDir } : {}) });
  }
}

export function createRegistry(builtins: readonly PassDefinition[] = []): PassRegistry {
  return new PassRegistry().registerBuiltins(builtins);
}
