// Cache keys that cover everything a step's output depends on: the model it starts from (the key
// chain), the pass's name, code and options, the seed, the content of the datasets and the runtime.
// File hashes are remembered in the cache folder, so an unchanged file is not read again.
import { join } from 'node:path';
import type { DataRole } from '@enxuto/pass';
import type { DatasetSpec } from '../data/specs.js';
import { dataSources } from '../data/data-sources.js';
import { CodeIdentity } from './code-identity.js';
import { ContentHasher } from './content-hash.js';
import { canonicalJson, sha256 } from './cache.js';

export interface KeyedPass {
  name: string;
  options: unknown;
  /** 'builtin' or the plugin package. */
  source: string;
  /** The package folder that implements the pass, when known. */
  packageDir?: string;
}

export class CacheKeys {
  private readonly hasher: ContentHasher;
  private readonly code: CodeIdentity;
  private readonly data: Record<string, string> = {};

  constructor(
    cacheDir: string,
    specs: Partial<Record<DataRole, DatasetSpec>>,
    baseDir: string,
    private readonly context: { enxuto: string; runtime: string; seed: number },
  ) {
    this.hasher = new ContentHasher(join(cacheDir, 'file-hashes.json'));
    this.code = new CodeIdentity(this.hasher);
    for (const [role, spec] of Object.entries(specs)) {
      if (!spec) continue;
      // Content only: the spec already names the paths, and a moved project keeps its cache.
      const files = dataSources(spec, baseDir).map((p) => this.hasher.tree(p));
      this.data[role] = sha256(canonicalJson({ spec, files }));
    }
  }

  /** The key of the step running `pass` on the output of the step keyed `previous`. */
  step(previous: string, pass: KeyedPass): string {
    const code = pass.packageDir ? this.code.of(pass.packageDir) : `${pass.source}@${this.context.enxuto}`;
    return sha256(
      canonicalJson({ previous, pass: pass.name, code, options: pass.options, data: this.data, ...this.context }),
    );
  }

  /** Keeps the file hashes for the next run. */
  save(): void {
    this.hasher.save();
  }
}
