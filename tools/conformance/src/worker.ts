// A pool worker (child process): checks the cases its parent sends, one at a time.
import type { ConformanceCase } from './cases.js';
import { checkCase } from './check-case.js';

process.on('message', (c: ConformanceCase) => {
  checkCase(c).then(
    (r) => process.send!({ ok: true, result: r }),
    (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
process.send!({ ready: true });
