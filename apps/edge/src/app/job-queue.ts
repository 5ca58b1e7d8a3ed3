// One inference job at a time (onnxruntime-web sessions are not re-entrant), with the page's
// body[data-busy] telling tests and styles whether work is pending.
let queue: Promise<unknown> = Promise.resolve();
let pending = 0;

export function serial<T>(job: () => Promise<T>): Promise<T> {
  pending++;
  document.body.dataset.busy = 'true';
  const run = queue.then(job, job);
  queue = run
    .then(
      () => undefined,
      () => undefined,
    )
    .finally(() => {
      if (--pending === 0) document.body.dataset.busy = 'false';
    });
  return run;
}
