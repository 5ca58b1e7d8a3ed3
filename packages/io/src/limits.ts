// Resource limits for untrusted files, as declared numbers. Each is checked before memory is
// allocated, and each can be raised (pipeline `limits:`, `--limit name=value` on the CLI, or the
// `limits` option of the readers) for a legitimate file that needs more. Growth limits compare
// what a reader would materialize with the bytes actually present in the file, so a multi-GB
// model whose weights are really on disk still loads (lazily), while a small file that claims to
// expand into gigabytes is refused.
import { ConfigError, FormatError } from '@enxuto/ir';

export interface Limits {
  /**
   * Bytes a reader may build per byte present in the file, beyond `growthAllowance`: gzip
   * inflation, tensors filled from one stored value, repeated regions.
   */
  growthRatio: number;
  /** Bytes any file may grow to regardless of its size (small files with legitimate fills). */
  growthAllowance: number;
  /** Largest file read whole into memory (model.json, .tflite, data files, the ONNX protobuf). */
  maxFileBytes: number;
  /** Most files one model may open (TF.js weight shards). */
  maxFiles: number;
  /** Most YAML/JSON nodes (keys, values, items) in a pipeline file. */
  maxConfigNodes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  growthRatio: 64,
  growthAllowance: 256 * 2 ** 20,
  maxFileBytes: 2 ** 31 - 1,
  maxFiles: 10_000,
  maxConfigNodes: 100_000,
});

/** What each limit guards, for docs, `--help` and error messages. */
export const LIMIT_DESCRIPTIONS: Readonly<Record<keyof Limits, string>> = {
  growthRatio: 'bytes a reader may build per byte present in the file (gzip, fills, repeats)',
  growthAllowance: 'bytes any file may grow to, whatever its size',
  maxFileBytes: 'largest file read whole into memory',
  maxFiles: 'most files one model may open (TF.js weight shards)',
  maxConfigNodes: 'most nodes (keys, values, items) in a pipeline file',
};

export function isLimitName(name: string): name is keyof Limits {
  return Object.hasOwn(DEFAULT_LIMITS, name);
}

/** Defaults overridden by `overrides`, each checked to be a positive number. */
export function resolveLimits(overrides: Partial<Record<string, unknown>> = {}, field = 'limits'): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!isLimitName(name)) {
      throw new ConfigError(`unknown limit '${name}' (limits: ${Object.keys(DEFAULT_LIMITS).join(', ')})`, {
        code: 'config/unknown-limit',
        field: `${field}.${name}`,
      });
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`limit ${name} must be a positive number`, {
        code: 'config/bad-limit',
        field: `${field}.${name}`,
      });
    }
    out[name] = value;
  }
  return out;
}

/** Bytes a reader may materialize from a file of `presentBytes`. */
export function growthBudget(presentBytes: number, limits: Limits = DEFAULT_LIMITS): number {
  return Math.max(limits.growthAllowance, presentBytes * limits.growthRatio);
}

/**
 * What a reader may still materialize from one file: taken piece by piece (each constant filled
 * from one value, each repeated region), refused once the file's growth budget is spent.
 */
export class GrowthBudget {
  private left: number;

  constructor(
    readonly presentBytes: number,
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {
    this.left = growthBudget(presentBytes, limits);
  }

  /** Spends `bytes`, or throws a FormatError naming where (before anything is allocated). */
  take(bytes: number, where: { file?: string; node?: string; field?: string }): void {
    if (bytes <= this.left) {
      this.left -= bytes;
      return;
    }
    const budget = growthBudget(this.presentBytes, this.limits);
    throw new FormatError(
      `the file would build more than ${budget} bytes from its ${this.presentBytes} bytes ` +
        `(growthRatio ${this.limits.growthRatio}, growthAllowance ${this.limits.growthAllowance}); raise them to read it`,
      { code: 'io/growth-limit', ...where },
    );
  }
}
