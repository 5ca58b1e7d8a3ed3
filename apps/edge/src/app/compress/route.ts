// The two views, by URL hash: #compress shows the Compress view (its code, the passes and the
// pipeline runner, loaded on first visit), anything else the Run view.
import { $ } from '../dom.js';
import type { ModelRegistry } from '../registry.js';

export function routeViews(
  registry: ModelRegistry,
  appBase: string,
  threads: () => number,
  modelsChanged: () => void,
): void {
  const openCompress = async () =>
    (await import('./compress-view.js')).wireCompress({ registry, appBase, threads, modelsChanged });
  let loading = false;
  const route = () => {
    const compress = location.hash === '#compress';
    $('compress-view').hidden = !compress;
    $('run-view').hidden = compress;
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav.tabs a'))
      a.setAttribute('aria-current', a.hash === (compress ? '#compress' : '#run') ? 'page' : 'false');
    if (compress && !loading) {
      loading = true;
      openCompress().catch((e: Error) => {
        loading = false; // a later visit tries again
        $('compress-status').textContent = `The Compress view did not load: ${e.message}`;
      });
    }
  };
  window.addEventListener('hashchange', route);
  route();
}
