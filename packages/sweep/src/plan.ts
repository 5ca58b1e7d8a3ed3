// From a sweep's `search` to the list of settings to try: every combination (grid, first path
// varying slowest), or `random.count` distinct seeded samples (lists are choices, ranges are drawn).
import { mulberry32 } from '@enxuto/ir';
import { canonicalJson } from '@enxuto/pipeline/node';
import type { Range, SweepConfig } from './sweep-file.js';

/** One trial's settings: option path (as in --set) -> value. */
export type Settings = Record<string, unknown>;

type Axis = [path: string, values: readonly unknown[] | Range];

/** Number of grid combinations (Infinity when a range is present). */
export function gridSize(search: Record<string, readonly unknown[] | Range>): number {
  let n = 1;
  for (const v of Object.values(search)) n *= Array.isArray(v) ? v.length : Number.POSITIVE_INFINITY;
  return n;
}

/** The combination at `index` of the grid (mixed radix, last path fastest). */
function combination(axes: readonly Axis[], index: number): Settings {
  const s: Settings = {};
  let rest = index;
  for (let i = axes.length - 1; i >= 0; i--) {
    const [path, values] = axes[i]! as [string, readonly unknown[]];
    s[path] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  // Keep the file's path order in the object (it is what results.json and the report show).
  return Object.fromEntries(axes.map(([p]) => [p, s[p]]));
}

function draw(values: readonly unknown[] | Range, rand: () => number): unknown {
  if (Array.isArray(values)) return values[Math.floor(rand() * values.length)];
  const r = values as Range;
  const u = rand();
  const v = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
  return r.integer ? Math.round(v) : Number(v.toPrecision(6));
}

export function planSettings(c: Pick<SweepConfig, 'search' | 'random' | 'budget'>): Settings[] {
  const axes = Object.entries(c.search ?? {}) as Axis[];
  const size = gridSize(c.search ?? {});
  const limit = c.budget.trials ?? Number.POSITIVE_INFINITY;
  let out: Settings[];
  if (!c.random || c.random.count >= size) {
    out = Array.from({ length: Math.min(size, limit) }, (_, i) => combination(axes, i));
  } else {
    const rand = mulberry32(c.random.seed);
    const want = Math.min(c.random.count, limit);
    const seen = new Set<string>();
    out = [];
    // Distinct samples; a small space can run out of new ones, so the attempts are bounded.
    for (let attempt = 0; out.length < want && attempt < want * 50; attempt++) {
      const s: Settings =
        size < Number.POSITIVE_INFINITY
          ? combination(axes, Math.floor(rand() * size))
          : Object.fromEntries(axes.map(([p, v]) => [p, draw(v, rand)]));
      const key = canonicalJson(s);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
  }
  return out;
}

/** The settings as `--set` arguments (values as JSON, which the --set parser reads as YAML). */
export function settingsToSet(s: Settings): string[] {
  return Object.entries(s).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
}
