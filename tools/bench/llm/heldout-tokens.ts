// Token windows of the stdlib text tiny-gpt2-hf was (not) trained on, exactly as its build script
// made them: files joined with <|endoftext|> after each, encoded with the model's tokenizer, cut
// into non-overlapping windows (256 tokens: 577 held-out windows, perplexity 60.3 in PyTorch).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokensFromText, type TokenWindows } from '@enxuto/pipeline';

export function stdlibWindows(
  modelDir: string,
  split: 'heldout' | 'train',
  window: number,
  maxFiles = Infinity,
): TokenWindows {
  const list = execFileSync(
    'python3',
    [join(import.meta.dirname, 'heldout-files.py'), ...(split === 'train' ? ['--train'] : [])],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  const files = list.trim().split('\n').slice(0, maxFiles);
  const eot = '<|endoftext|>';
  const text = files.map((f) => `${new TextDecoder('utf-8', { fatal: false }).decode(readFileSync(f))}${eot}`).join('');
  const tok = JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8'));
  const cfg = JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8'));
  return tokensFromText(text, tok, cfg, window, `stdlib ${split} (${files.length} files)`);
}
