// Drives the edge app's Decoder speed card in a browser page and reads its table back: used by
// the Chromium test and by the tokens-per-second bench (tools/bench/llm/decoder-web.ts).
import type { Page } from 'playwright-core';

export interface DecoderCardRow {
  model: string;
  precision: string;
  bytes: number;
  tokensPerSecond: number;
  firstToken: string;
  sameTokens: string;
}

/** Opens the app at `url`, generates `newTokens` with every bundled model, returns the rows. */
export async function runDecoderCard(page: Page, url: string, newTokens: number): Promise<DecoderCardRow[]> {
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.body.dataset.busy === 'false');
  await page.fill('#decoder-tokens', String(newTokens));
  await page.click('#decoder-run');
  await page.waitForFunction(
    () => !!document.getElementById('decoder-out')?.dataset.tokensPerSecond && document.body.dataset.busy === 'false',
    undefined,
    { timeout: 600_000 },
  );
  const out = page.locator('#decoder-out');
  const speeds = ((await out.getAttribute('data-tokens-per-second')) ?? '').split(',').map(Number);
  const bytes = ((await out.getAttribute('data-bytes')) ?? '').split(',').map(Number);
  const cells = await out
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (td) => td.textContent ?? '')));
  return cells.map((c, i) => ({
    model: c[0]!,
    precision: c[1]!,
    bytes: bytes[i]!,
    tokensPerSecond: speeds[i]!,
    firstToken: c[3]!,
    sameTokens: c[6]!,
  }));
}
