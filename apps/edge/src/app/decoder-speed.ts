// Decoder speed: every model that takes a KV cache generates the same greedy tokens after the same
// prompt, each after a short warm-up; tokens per second side by side (fp32 vs q8 vs q4 variants of
// one decoder), with how many of its tokens match the first model's.
import { generateGreedy, takesKvCache, type Session } from '@enxuto/runtime';
import type { LoadedModel } from './model-source.js';

export interface DecoderRun {
  model: LoadedModel;
  session: Session;
}

export interface DecoderSpeedRow {
  name: string;
  precision?: string;
  size: number;
  firstTokenMs: number;
  tokensPerSecond: number;
  /** Share of its tokens equal to the first decoder's at the same position. */
  sameTokens: number;
  ids: number[];
}

/** A fixed prompt of token ids every vocabulary has (below 256). */
export const PROMPT = [35, 84, 101, 32, 113, 117, 105, 99];

/** Rows for the decoders among `runs` (others are left out and named in `skipped`). */
export async function decoderSpeed(
  runs: readonly DecoderRun[],
  newTokens: number,
  onModel?: (name: string) => void,
): Promise<{ rows: DecoderSpeedRow[]; skipped: string[] }> {
  const rows: DecoderSpeedRow[] = [];
  const skipped: string[] = [];
  for (const { model, session } of runs) {
    if (!takesKvCache(session.inputs)) {
      skipped.push(model.name);
      continue;
    }
    onModel?.(model.name);
    await generateGreedy(session, PROMPT, 4); // warm-up: first runs allocate and compile
    const g = await generateGreedy(session, PROMPT, newTokens);
    const first = rows[0]?.ids ?? g.ids;
    const same = g.ids.filter((t, i) => t === first[i]).length / Math.max(1, g.ids.length);
    rows.push({
      name: model.name,
      ...(model.precision ? { precision: model.precision } : {}),
      size: model.size,
      firstTokenMs: g.firstTokenMs,
      tokensPerSecond: g.tokensPerSecond,
      sameTokens: same,
      ids: g.ids,
    });
  }
  return { rows, skipped };
}
