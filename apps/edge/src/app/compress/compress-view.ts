// The Compress view (#compress): open a model, edit a pipeline (presets, validated live with the
// CLI's own parser), run it in a worker with the CLI's runner core, compare the result with the
// input on the same generated inputs, and download it with its report.
import { isEnxutoError } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { ENXUTO_VERSION, type PipelineReport, renderReportHtml, resolvePasses } from '@enxuto/pipeline';
import { parsePipelineSource } from '@enxuto/pipeline';
import { compareModels } from '../compare-run.js';
import { $, h, table } from '../dom.js';
import { generatedFeeds } from '../feeds.js';
import { formatBytes } from '../memory.js';
import type { LoadedModel } from '../model-source.js';
import type { ModelRegistry } from '../registry.js';
import { browserRegistry } from './passes.js';
import { PRESETS, presetById } from './presets.js';
import type { FromWorker, RunRequest, WireError, WireFile } from './protocol.js';
import { calibrationShape, readOpened, shapeText, type ModelSummary } from './summary.js';

export interface CompressDeps {
  registry: ModelRegistry;
  appBase: string;
  threads: () => number;
  /** Called when a compressed model joins the registry (the Run view's pickers refresh). */
  modelsChanged: () => void;
}

interface Opened {
  summary: ModelSummary;
  bytes: Uint8Array;
  /** The model as one ONNX file onnxruntime-web loads (TFLite lowered, external data inlined). */
  runnable: Uint8Array;
  /** Other picked files (external data, calibration files), by name. */
  extra: Record<string, Uint8Array>;
}

let opened: Opened | undefined;
let worker: Worker | undefined;
let runId = 0;
let downloadUrls: string[] = [];

function errorText(e: WireError | unknown): string {
  const err = e as { message?: string; code?: string; field?: string };
  const where = err.field ? `${err.field}: ` : '';
  return `${where}${err.message ?? String(e)}${err.code ? ` [${err.code}]` : ''}`;
}

function setState(state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled', text = ''): void {
  const view = $('compress-view');
  view.dataset.state = state;
  $<HTMLButtonElement>('compress-run').disabled = state === 'running' || !opened;
  $<HTMLButtonElement>('compress-cancel').disabled = state !== 'running';
  const status = $('compress-status');
  status.textContent = text;
  status.classList.toggle('error', state === 'failed');
}

/** Live check of the pipeline text: the CLI's parser and the page's pass list; errors name the field. */
function validate(): boolean {
  const out = $('compress-validation');
  const text = $<HTMLTextAreaElement>('compress-pipeline').value;
  try {
    const config = parsePipelineSource(text);
    const passes = resolvePasses(config, browserRegistry(), undefined);
    out.textContent = `valid: ${passes.map((p) => p.name).join(' → ') || 'no passes'} → ${config.outputs.length} output${config.outputs.length === 1 ? '' : 's'}`;
    out.dataset.valid = 'true';
    out.classList.remove('error');
    return true;
  } catch (e) {
    out.textContent = errorText(e);
    out.dataset.valid = 'false';
    out.dataset.field = isEnxutoError(e) ? (e.field ?? '') : '';
    out.classList.add('error');
    return false;
  }
}

function fillPipeline(): void {
  if (!opened) return;
  const preset = presetById($<HTMLSelectElement>('compress-preset').value);
  $<HTMLTextAreaElement>('compress-pipeline').value = preset.yaml({
    input: opened.summary.name,
    shape: calibrationShape(opened.summary),
  });
  validate();
}

function showSummary(s: ModelSummary): void {
  const sig = (list: ModelSummary['inputs']) => list.map((t) => `${t.name} ${t.dtype}${shapeText(t.shape)}`).join(', ');
  const ops = Object.entries(s.ops)
    .map(([op, n]) => `${op} ×${n}`)
    .join(', ');
  const box = $('compress-summary');
  box.replaceChildren(
    table(
      ['', s.name],
      [
        ['format', s.format],
        ['size', formatBytes(s.bytes)],
        ['parameters', s.parameters.toLocaleString('en')],
        ['inputs', sig(s.inputs)],
        ['outputs', sig(s.outputs)],
        ['ops', ops],
      ],
      'compress-summary-table',
    ),
  );
  box.dataset.format = s.format;
  box.dataset.bytes = String(s.bytes);
}

async function openFiles(files: File[]): Promise<void> {
  const byName: Record<string, Uint8Array> = {};
  for (const f of files) byName[f.name] = new Uint8Array(await f.arrayBuffer());
  const main = files.find((f) => /\.(onnx|tflite)$/i.test(f.name)) ?? files[0];
  if (!main) return;
  try {
    const bytes = byName[main.name]!;
    const { summary, model } = readOpened(bytes, main.name, byName);
    delete byName[main.name];
    const selfContained = summary.format === 'onnx' && Object.keys(byName).length === 0;
    opened = { summary, bytes, runnable: selfContained ? bytes : writeOnnxBytes(model), extra: byName };
    showSummary(summary);
    fillPipeline();
    setState('idle', `Opened ${main.name}.`);
  } catch (e) {
    opened = undefined;
    $('compress-summary').replaceChildren();
    setState('failed', `Opening ${main.name}: ${errorText(e)}`);
  }
}

function stepLine(label: string): HTMLLIElement {
  const li = h('li', { class: 'step' }, h('span', { class: 'label' }, label), h('span', { class: 'note' }, '…'));
  $('compress-steps').append(li);
  return li;
}

function download(file: WireFile, testId?: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: 'application/octet-stream' }));
  downloadUrls.push(url);
  const name = file.path.split('/').pop() ?? file.path;
  return h(
    'a',
    { href: url, download: name, class: 'button', ...(testId ? { 'data-testid': testId } : {}) },
    `${name} (${formatBytes(file.bytes.byteLength)})`,
  );
}

async function showResult(report: PipelineReport, outputs: WireFile[], reportFiles: WireFile[], deps: CompressDeps) {
  const src = opened!;
  const out = outputs.find((o) => o.format === 'onnx');
  const links = h('div', { class: 'row' });
  if (out) links.append(download(out, 'compress-download'));
  for (const f of reportFiles) links.append(download(f));
  const before = report.metrics.before,
    after = report.metrics.after;
  const rows: string[][] = [
    ['size', formatBytes(before?.sizeBytes ?? src.bytes.byteLength), formatBytes(after?.sizeBytes ?? 0)],
    ...report.steps.map((s) => [
      s.pass,
      '',
      `${s.cached ? 'cached' : `${(s.durationMs / 1000).toFixed(1)} s`}${s.changed ? '' : ' (no change)'}`,
    ]),
  ];
  const result = $('compress-result');
  result.replaceChildren(table(['', 'input', 'compressed'], rows, 'compress-sizes'), links);
  result.dataset.bytes = String(out?.bytes.byteLength ?? 0);
  // The report as the CLI writes it, in a sandboxed frame (no scripts).
  const frame = h('iframe', { sandbox: '', title: 'report', class: 'report', 'data-testid': 'compress-report' });
  frame.srcdoc = renderReportHtml(report);
  result.append(frame);
  if (!out) return;
  // Compare input and result on the same generated inputs with onnxruntime-web, and offer both to
  // the Run view's compare panel.
  const id = `compressed-${runId}`;
  const a: LoadedModel = {
    id: `opened-${runId}`,
    name: src.summary.name,
    source: 'file',
    size: src.bytes.byteLength,
    model: src.runnable,
  };
  const b: LoadedModel = {
    id,
    name: out.path.split('/').pop() ?? out.path,
    source: 'file',
    size: out.bytes.byteLength,
    model: out.bytes,
  };
  deps.registry.addUserModel(a);
  deps.registry.addUserModel(b);
  deps.modelsChanged();
  const [sa, sb] = [await deps.registry.session(a.id, 'wasm'), await deps.registry.session(b.id, 'wasm')];
  const cmp = await compareModels(
    { model: a, session: sa, pixelRange: 1, currentFeeds: generatedFeeds(sa, 1) },
    { model: b, session: sb, pixelRange: 1, currentFeeds: generatedFeeds(sb, 1) },
    { samples: 8, runs: 10, digit: null },
  );
  const [la, lb] = cmp.latency;
  const cmpTable = table(
    ['compressed vs input', 'value'],
    [
      ['size ratio', `${(b.size / a.size).toFixed(3)}×`],
      ['p50 latency', `${la.p50Ms.toFixed(2)} → ${lb.p50Ms.toFixed(2)} ms`],
      ['p95 latency', `${la.p95Ms.toFixed(2)} → ${lb.p95Ms.toFixed(2)} ms`],
      ['top-1 agreement', `${(cmp.diff.top1Agreement * 100).toFixed(1)}% of ${cmp.diff.samples}`],
      ['max |Δ output|', cmp.diff.maxAbsDiff.toPrecision(3)],
    ],
    'compress-compare',
  );
  result.insertBefore(cmpTable, frame);
  result.dataset.agreement = String(cmp.diff.top1Agreement);
  result.dataset.maxDiff = String(cmp.diff.maxAbsDiff);
}

function startRun(deps: CompressDeps): void {
  if (!opened || !validate()) return;
  worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const id = ++runId;
  for (const u of downloadUrls) URL.revokeObjectURL(u);
  downloadUrls = [];
  $('compress-steps').replaceChildren();
  $('compress-result').replaceChildren();
  setState('running', 'Running…');
  const started = performance.now();
  let current: HTMLLIElement | undefined;
  const bar = $<HTMLProgressElement>('compress-progress');
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.id !== id) return;
    if (m.type === 'begin') {
      current = stepLine(m.label);
      bar.removeAttribute('value');
    } else if (m.type === 'update') {
      bar.max = m.total;
      bar.value = m.done;
      if (current)
        current.querySelector('.note')!.textContent = `${m.done}/${m.total}${m.message ? ` ${m.message}` : ''}`;
    } else if (m.type === 'end') {
      if (current) current.querySelector('.note')!.textContent = m.summary ?? 'done';
    } else if (m.type === 'log') {
      if (m.level === 'warn') stepLine(`⚠ ${m.message}`).classList.add('warn');
    } else if (m.type === 'done') {
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      $('compress-view').dataset.ms = String(Math.round(performance.now() - started));
      setState(
        'done',
        `Done in ${secs} s${m.cachedSteps ? ` (${m.cachedSteps} step${m.cachedSteps > 1 ? 's' : ''} from the cache)` : ''}.`,
      );
      showResult(m.report, m.outputs, m.reportFiles, deps).catch((err) =>
        setState('failed', `Comparing: ${errorText(err)}`),
      );
    } else if (m.type === 'failed') {
      const cancelled = m.error.code === 'aborted';
      $('compress-view').dataset.errorCode = m.error.code;
      setState(cancelled ? 'cancelled' : 'failed', cancelled ? 'Cancelled: nothing written.' : errorText(m.error));
    }
  };
  const files: Record<string, Uint8Array> = { ...opened.extra, [opened.summary.name]: opened.bytes.slice() };
  const req: RunRequest = {
    type: 'run',
    id,
    yaml: $<HTMLTextAreaElement>('compress-pipeline').value,
    files,
    ortBase: new URL('ort/', deps.appBase).href,
    threads: deps.threads(),
    cache: $<HTMLInputElement>('compress-cache').checked ? 'opfs' : 'memory',
    codeIdentity: ENXUTO_VERSION,
  };
  worker.postMessage(req);
}

export function wireCompress(deps: CompressDeps): void {
  const preset = $<HTMLSelectElement>('compress-preset');
  preset.replaceChildren(...PRESETS.map((p) => h('option', { value: p.id }, p.label)));
  preset.addEventListener('change', fillPipeline);
  let timer: ReturnType<typeof setTimeout> | undefined;
  $('compress-pipeline').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(validate, 150);
  });
  $<HTMLInputElement>('compress-model').addEventListener('change', (e) => {
    void openFiles([...((e.target as HTMLInputElement).files ?? [])]);
  });
  $('compress-run').addEventListener('click', () => startRun(deps));
  $('compress-cancel').addEventListener('click', () => worker?.postMessage({ type: 'cancel', id: runId }));
  setState('idle');
  $('compress-view').dataset.ready = 'true';
}
