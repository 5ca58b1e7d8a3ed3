// The "Decoder speed" card: loads every model the app knows, keeps the decoders, and shows their
// tokens per second and agreement with the first one (see decoder-speed.ts).
import type { Session } from '@enxuto/runtime';
import { decoderSpeed, type DecoderRun } from './decoder-speed.js';
import { $, intFrom, table } from './dom.js';
import { formatBytes } from './memory.js';
import type { ModelRegistry } from './registry.js';

interface DecoderSpeedDeps {
  registry: ModelRegistry;
  /** A session of the model on the backend chosen in the page. */
  session: (id: string) => Promise<Session>;
  guarded: (what: string, job: () => Promise<void>) => Promise<void>;
  setStatus: (text: string, error?: boolean) => void;
}

async function run(deps: DecoderSpeedDeps): Promise<void> {
  const newTokens = intFrom($<HTMLInputElement>('decoder-tokens'), 2, 1024, 32);
  await deps.guarded('Decoder speed', async () => {
    const runs: DecoderRun[] = [];
    for (const { id } of deps.registry.options())
      runs.push({ model: await deps.registry.model(id), session: await deps.session(id) });
    const { rows, skipped } = await decoderSpeed(runs, newTokens, (name) =>
      deps.setStatus(`Generating ${newTokens} tokens with ${name}…`),
    );
    const out = $('decoder-out');
    if (rows.length === 0) {
      out.replaceChildren();
      return deps.setStatus('No loaded model takes a KV cache (past_key_values inputs): open a decoder.', true);
    }
    const base = rows[0]!.tokensPerSecond;
    out.replaceChildren(
      table(
        ['model', 'precision', 'size', 'first token', 'tokens/s', 'speed vs first', 'same tokens as first'],
        rows.map((r) => [
          r.name,
          r.precision ?? '–',
          formatBytes(r.size),
          `${r.firstTokenMs.toFixed(1)} ms`,
          r.tokensPerSecond.toFixed(1),
          base > 0 ? `${(r.tokensPerSecond / base).toFixed(2)}×` : '–',
          `${(r.sameTokens * 100).toFixed(0)}%`,
        ]),
        'decoder-table',
      ),
    );
    out.dataset.tokensPerSecond = rows.map((r) => r.tokensPerSecond.toFixed(2)).join(',');
    out.dataset.bytes = rows.map((r) => r.size).join(',');
    deps.setStatus(`Decoder speed done${skipped.length ? ` (not decoders: ${skipped.join(', ')})` : ''}.`);
  });
}

export function wireDecoderSpeed(
  registry: ModelRegistry,
  session: DecoderSpeedDeps['session'],
  guarded: DecoderSpeedDeps['guarded'],
  setStatus: DecoderSpeedDeps['setStatus'],
): void {
  $('decoder-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void run({ registry, session, guarded, setStatus });
  });
}
