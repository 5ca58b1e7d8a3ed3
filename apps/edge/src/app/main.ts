// The edge app: pick a model, feed it a drawn digit / picture / generated tensor, see the top
// outputs, benchmark it, and compare two models on the same inputs.
import { measureLatency, type Session, type TensorData } from '@enxuto/runtime';
import './style.css';
import { compareModels } from './compare-run.js';
import { comparisonTables } from './compare-tables.js';
import { wireDecoderSpeed } from './decoder-speed-view.js';
import { routeViews } from './compress/route.js';
import { mnistFromInk } from './digit.js';
import { $, h, intFrom, table } from './dom.js';
import { DrawPad } from './draw-pad.js';
import { digitFeeds, firstOutput, generatedFeeds, imageFeeds } from './feeds.js';
import { imageFromFile, resizedPixels, startCamera, stopCamera } from './image-input.js';
import { imageToTensor, parseNumberList } from './image-tensor.js';
import { serial } from './job-queue.js';
import { formatBytes, measureMemory } from './memory.js';
import { modelKind, type ModelKind } from './model-kind.js';
import { loadCatalog, loadFromFiles, loadFromUrl, type LoadedModel } from './model-source.js';
import { ModelRegistry } from './registry.js';
import { topK } from './scores.js';
import { configureOrt, detectCapabilities, type Capabilities, type EdgeBackend } from './session.js';

/** True in builds made by scripts/build-app.ts (they ship sw.js); false under the Vite dev server. */
declare const __EDGE_SERVICE_WORKER__: boolean;

const appBase = new URL('./', location.href).href;
let caps: Capabilities = { isolated: false, threads: 1, webgpu: false };
const registry = new ModelRegistry(appBase, () => caps);
let currentId: string | undefined;
let currentKind: ModelKind = { kind: 'generic' };
let digit: Float32Array | null = null;
let digitSeq = 0;
let picture: Float32Array | null = null;
/** The last photo or camera frame, kept so a new model or a changed mean/std/range re-applies to it. */
let lastPicture: CanvasImageSource | undefined;

const status = $('status');
function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}
function describe(e: unknown): string {
  const err = e as { message?: string; code?: string };
  return err?.message ? `${err.message}${err.code ? ` [${err.code}]` : ''}` : String(e);
}

async function guarded(what: string, job: () => Promise<void>): Promise<void> {
  try {
    await serial(job);
  } catch (e) {
    setStatus(`${what}: ${describe(e)}`, true);
  }
}

function backend(): EdgeBackend {
  return ($<HTMLSelectElement>('backend').value as EdgeBackend) || 'wasm';
}

const getModel = (id: string): Promise<LoadedModel> => registry.model(id);
const getSession = (id: string, be: EdgeBackend = backend()): Promise<Session> => registry.session(id, be);

function fillSelect(select: HTMLSelectElement, selected: string | undefined): void {
  const opts = registry.options();
  select.replaceChildren(...opts.map((o) => h('option', { value: o.id }, o.label)));
  if (opts.length === 0) select.append(h('option', { value: '' }, 'no models yet: open a file or URL'));
  if (selected && opts.some((o) => o.id === selected)) select.value = selected;
}

function refreshSelects(): void {
  fillSelect($<HTMLSelectElement>('model-select'), currentId);
  const a = $<HTMLSelectElement>('compare-a'),
    b = $<HTMLSelectElement>('compare-b');
  const opts = registry.options();
  fillSelect(a, a.value || opts[0]?.id);
  fillSelect(b, b.value || opts[1]?.id || opts[0]?.id);
}

function pixelRangeFor(m: LoadedModel): number {
  return m.pixelRange ?? Number($<HTMLSelectElement>('pad-range').value);
}

function showInputPanel(kind: ModelKind, session: Session): void {
  $('input-mnist').hidden = kind.kind !== 'mnist';
  $('input-image').hidden = kind.kind !== 'image';
  $('input-generic').hidden = kind.kind !== 'generic';
  if (kind.kind === 'generic') {
    $('generic-shapes').textContent = session.inputs
      .map((i) => `${i.name}: ${i.dtype ?? '?'}[${i.shape.map((d) => d ?? '?').join(', ')}]`)
      .join(' · ');
  }
}

async function selectModel(id: string): Promise<void> {
  currentId = id;
  refreshSelects();
  await guarded('Loading model', async () => {
    setStatus('Loading model…');
    const m = await getModel(id);
    const session = await getSession(id);
    currentKind = modelKind(session.inputs);
    picture = null; // made for the previous model's size; remade below from the same photo
    if (m.pixelRange) $<HTMLSelectElement>('pad-range').value = String(m.pixelRange);
    const sig = (list: typeof session.inputs) =>
      list.map((i) => `${i.name} ${i.dtype ?? '?'}[${i.shape.map((d) => d ?? '?').join('×')}]`).join(', ');
    $('model-info').textContent =
      `${m.name}: ${formatBytes(m.size)} · inputs ${sig(session.inputs)} · outputs ${sig(session.outputs)} · ${currentKind.kind} model`;
    $('model-info').dataset.model = id;
    showInputPanel(currentKind, session);
    setStatus(`Loaded ${m.name} on ${backend()}.`);
  });
  if (currentKind.kind === 'mnist' && digit) void predict();
  if (currentKind.kind === 'image') void pictureChanged();
}

/** Feeds for a model from the current input (digit, picture), or generated ones. */
async function feedsFor(id: string, session: Session, seed = 1): Promise<Record<string, TensorData>> {
  const kind = modelKind(session.inputs);
  if (kind.kind === 'mnist' && digit) return digitFeeds(session, kind, digit, pixelRangeFor(await getModel(id)));
  if (kind.kind === 'image' && picture) return imageFeeds(kind, picture);
  return generatedFeeds(session, seed);
}

function renderResult(scores: number[], ms: number, seq: number): void {
  const out = $('result');
  const ranked = topK(scores, 5);
  const best = ranked[0];
  out.replaceChildren(
    h('p', { class: 'top1', 'data-testid': 'top1' }, best ? String(best.index) : '–'),
    h(
      'ol',
      { class: 'topk' },
      ...ranked.map((r) =>
        h(
          'li',
          {},
          h('span', {}, `#${r.index}`),
          h('span', { class: 'barbg' }, h('span', { class: 'barfg', style: `width:${(r.prob * 100).toFixed(1)}%` })),
          h('span', { class: 'num' }, `${(r.prob * 100).toFixed(1)}%`),
        ),
      ),
    ),
    h('p', { class: 'muted' }, `${ms.toFixed(1)} ms on ${backend()}`),
  );
  out.dataset.top1 = best ? String(best.index) : '';
  out.dataset.seq = String(seq);
}

async function predict(seed = 1): Promise<void> {
  const id = currentId;
  if (!id) return;
  const seq = digitSeq;
  await guarded('Inference', async () => {
    const session = await getSession(id);
    const feeds = await feedsFor(id, session, seed);
    const t0 = performance.now();
    const out = await session.run(feeds);
    renderResult(firstOutput(out), performance.now() - t0, seq);
    setStatus('');
  });
}

async function benchmark(): Promise<void> {
  const id = currentId;
  if (!id) return setStatus('Load a model first.', true);
  const warmup = intFrom($<HTMLInputElement>('bench-warmup'), 0, 1000, 5);
  const runs = intFrom($<HTMLInputElement>('bench-runs'), 1, 10000, 30);
  await guarded('Benchmark', async () => {
    setStatus(`Benchmarking (${warmup} warm-up + ${runs} runs)…`);
    const session = await getSession(id);
    const feeds = await feedsFor(id, session);
    const stats = await measureLatency(session, feeds, { runs, warmup });
    const mem = await measureMemory();
    const rows: string[][] = [
      ['p50 latency', `${stats.p50Ms.toFixed(2)} ms`],
      ['p95 latency', `${stats.p95Ms.toFixed(2)} ms`],
      ['mean / min', `${stats.meanMs.toFixed(2)} / ${stats.minMs.toFixed(2)} ms`],
      ['throughput', `${stats.throughputPerSec.toFixed(1)} /s`],
      ['runs', `${stats.runs} (+${stats.warmup} warm-up)`],
      [
        'backend',
        `${backend()}${backend() === 'wasm' ? ` · ${caps.threads} thread${caps.threads > 1 ? 's' : ''}` : ''}`,
      ],
    ];
    if (mem.jsHeapBytes !== undefined) rows.push(['JS heap', formatBytes(mem.jsHeapBytes)]);
    if (mem.userAgentBytes !== undefined) rows.push(['page memory', formatBytes(mem.userAgentBytes)]);
    const out = $('bench-out');
    out.replaceChildren(table(['', (await getModel(id)).name], rows, 'bench-table'));
    out.dataset.p50 = String(stats.p50Ms);
    out.dataset.throughput = String(stats.throughputPerSec);
    setStatus('Benchmark done.');
  });
}

async function compare(): Promise<void> {
  const a = $<HTMLSelectElement>('compare-a').value;
  const b = $<HTMLSelectElement>('compare-b').value;
  if (!a || !b) return setStatus('Choose two models to compare.', true);
  const samples = intFrom($<HTMLInputElement>('compare-samples'), 1, 256, 8);
  const runs = intFrom($<HTMLInputElement>('compare-runs'), 1, 1000, 10);
  await guarded('Compare', async () => {
    setStatus('Comparing…');
    const [ma, mb] = await Promise.all([getModel(a), getModel(b)]);
    const [sa, sb] = [await getSession(a), await getSession(b)];
    const result = await compareModels(
      { model: ma, session: sa, pixelRange: pixelRangeFor(ma), currentFeeds: await feedsFor(a, sa) },
      { model: mb, session: sb, pixelRange: pixelRangeFor(mb), currentFeeds: await feedsFor(b, sb) },
      { samples, runs, digit },
    );
    const out = $('compare-out');
    out.replaceChildren(...comparisonTables(ma, mb, result));
    out.dataset.agreement = String(result.diff.top1Agreement);
    out.dataset.models = `${ma.name}|${mb.name}`;
    out.dataset.sizes = `${ma.size},${mb.size}`;
    setStatus('Comparison done.');
  });
}

function updateDigit(pad: DrawPad): void {
  const ink = pad.ink();
  digit = mnistFromInk(ink.data, ink.width, ink.height);
  digitSeq = pad.strokes;
  const preview = $<HTMLCanvasElement>('pad-preview').getContext('2d')!;
  const img = preview.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round((digit?.[i] ?? 0) * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  preview.putImageData(img, 0, 0);
}

async function pictureChanged(source: CanvasImageSource | undefined = lastPicture): Promise<void> {
  if (currentKind.kind !== 'image' || !source) return;
  lastPicture = source;
  const k = currentKind;
  const mean = parseNumberList($<HTMLInputElement>('norm-mean').value);
  const std = parseNumberList($<HTMLInputElement>('norm-std').value);
  if (!mean || !std) return setStatus('Mean and std must be 1 to 4 numbers, e.g. "0.485, 0.456, 0.406".', true);
  const range = Number($<HTMLSelectElement>('norm-range').value) === 255 ? 255 : 1;
  try {
    const rgba = resizedPixels(source, $<HTMLCanvasElement>('image-preview'), k.width, k.height);
    picture = imageToTensor(rgba, k, { range, mean, std });
  } catch (e) {
    return setStatus(`Picture: ${describe(e)}`, true);
  }
  await predict();
}

function wire(): void {
  // Buttons open the hidden file inputs (keyboard-reachable, unlike a styled label).
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-opens]')) {
    b.addEventListener('click', () => $<HTMLInputElement>(b.dataset.opens!).click());
  }
  const pad = new DrawPad($<HTMLCanvasElement>('pad'), () => {
    updateDigit(pad);
    void predict();
  });
  $('pad-clear').addEventListener('click', () => {
    pad.clear();
    updateDigit(pad);
    $('result').replaceChildren(h('p', { class: 'muted' }, 'Draw a digit.'));
  });
  $('pad-range').addEventListener('change', () => void predict());
  $('norm-form').addEventListener('change', () => void pictureChanged());
  $('norm-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void pictureChanged();
  });
  $<HTMLSelectElement>('model-select').addEventListener(
    'change',
    (e) => void selectModel((e.target as HTMLSelectElement).value),
  );
  $<HTMLSelectElement>('backend').addEventListener('change', () => currentId && void selectModel(currentId));
  $<HTMLInputElement>('model-file').addEventListener('change', async (e) => {
    const files = [...((e.target as HTMLInputElement).files ?? [])];
    if (files.length === 0) return;
    try {
      setStatus('Reading file…');
      const m = await loadFromFiles(files);
      registry.addUserModel(m);
      await selectModel(m.id);
    } catch (err) {
      setStatus(`Opening file: ${describe(err)}`, true);
    }
  });
  $('url-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      setStatus('Fetching model…');
      const m = await loadFromUrl($<HTMLInputElement>('model-url').value, location.href);
      registry.addUserModel(m);
      await selectModel(m.id);
    } catch (err) {
      setStatus(`Loading URL: ${describe(err)}`, true);
    }
  });
  $('generic-run').addEventListener(
    'click',
    () => void predict(intFrom($<HTMLInputElement>('generic-seed'), 0, 2 ** 32 - 1, 1)),
  );
  $('bench-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void benchmark();
  });
  $('compare-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void compare();
  });
  wireDecoderSpeed(registry, getSession, guarded, setStatus);
  let stream: MediaStream | undefined;
  $<HTMLInputElement>('image-file').addEventListener('change', async (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    try {
      await pictureChanged(await imageFromFile(f));
    } catch (err) {
      setStatus(`Picture: ${describe(err)}`, true);
    }
  });
  $('camera-start').addEventListener('click', async () => {
    const video = $<HTMLVideoElement>('camera');
    try {
      stream = await startCamera(video);
      video.hidden = false;
      $('camera-grab').hidden = false;
    } catch (err) {
      setStatus(`Camera: ${describe(err)}`, true);
    }
  });
  $('camera-grab').addEventListener('click', async () => {
    try {
      // A still copy of the frame: the stream stops below, and a form change re-applies to it.
      await pictureChanged(await createImageBitmap($<HTMLVideoElement>('camera')));
    } catch (err) {
      setStatus(`Camera: ${describe(err)}`, true);
    }
    stopCamera(stream);
    $('camera').hidden = true;
    $('camera-grab').hidden = true;
  });
}

async function start(): Promise<void> {
  wire();
  routeViews(registry, appBase, () => caps.threads, refreshSelects);
  caps = await detectCapabilities();
  configureOrt(appBase, caps);
  const gpuOption = $<HTMLSelectElement>('backend').querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  gpuOption.disabled = !caps.webgpu;
  gpuOption.textContent = caps.webgpu ? 'WebGPU' : 'WebGPU (not available)';
  const capsText = () =>
    `wasm SIMD · ${caps.threads} thread${caps.threads > 1 ? 's' : ''}${caps.isolated ? ' (cross-origin isolated)' : ' (not isolated)'} · WebGPU ${caps.webgpu ? 'yes' : 'no'}` +
    (navigator.serviceWorker?.controller ? ' · works offline' : '') +
    // Service workers and cross-origin isolation need https or localhost (see docs/raspberry-pi.md).
    (window.isSecureContext ? '' : ' · not a secure context: no offline mode, no threads (use https or localhost)');
  $('caps').textContent = capsText();
  if (__EDGE_SERVICE_WORKER__ && 'serviceWorker' in navigator) {
    navigator.serviceWorker
      .register('./sw.js')
      .catch((e) => setStatus(`Offline mode unavailable: ${describe(e)}`, true));
    navigator.serviceWorker.addEventListener('controllerchange', () => ($('caps').textContent = capsText()));
  }
  try {
    registry.catalog = await loadCatalog(appBase);
  } catch (e) {
    setStatus(`Bundled models: ${describe(e)}`, true);
  }
  refreshSelects();
  document.body.dataset.ready = 'true';
  if (registry.catalog[0]) await selectModel(registry.catalog[0].id);
  else setStatus('No bundled models in this build: open an .onnx file or a URL on this site.');
}

void start();
