// Where models come from: the bundled list (models/models.json), files opened from the device, or a
// URL on this site. Every external-data location named inside a model is checked with the same path
// rules as on the command line before anything is fetched or looked up.
import { checkRelativeLocation } from '@enxuto/io';
import { ConfigError, FormatError, type Model } from '@enxuto/ir';
import { memoryExternalData, readOnnx, type ExternalDataResolver } from '@enxuto/onnx';

/** Largest model the app will read into memory (onnxruntime-web's wasm32 heap caps it anyway). */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

export interface CatalogEntry {
  id: string;
  name: string;
  /** File inside models/, relative. */
  file: string;
  bytes: number;
  precision?: string;
  /** Pixel range a digit/image model expects (1 = 0..1, 255 = 0..255). */
  pixelRange?: 1 | 255;
  note?: string;
}

export interface LoadedModel {
  id: string;
  name: string;
  source: 'bundled' | 'file' | 'url';
  /** Size of the model and its external data, in bytes. */
  size: number;
  /** ONNX bytes, or an IR model when external data had to be joined in. */
  model: Uint8Array | Model;
  pixelRange?: 1 | 255;
  /** As given in models.json ('fp32', 'int8', ...). */
  precision?: string;
}

function isEntry(e: unknown): e is CatalogEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    typeof r.file === 'string' &&
    typeof r.bytes === 'number' &&
    (r.pixelRange === undefined || r.pixelRange === 1 || r.pixelRange === 255)
  );
}

/** The bundled models; an empty list when the app was built without any. */
export async function loadCatalog(appBase: string): Promise<CatalogEntry[]> {
  const res = await fetch(new URL('models/models.json', appBase));
  if (!res.ok) return [];
  const json = (await res.json()) as { models?: unknown };
  const list = Array.isArray(json.models) ? json.models : [];
  const out: CatalogEntry[] = [];
  for (const e of list.slice(0, 64)) {
    if (!isEntry(e))
      throw new FormatError('models.json has a malformed entry', {
        code: 'edge/bad-catalog',
        file: 'models/models.json',
        field: 'models',
      });
    checkRelativeLocation(e.file, { file: 'models/models.json', field: 'models.file' });
    out.push(e);
  }
  return out;
}

async function readCapped(res: Response, what: string): Promise<Uint8Array> {
  if (!res.ok) throw new ConfigError(`${what}: HTTP ${res.status}`, { code: 'edge/fetch', file: what });
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_MODEL_BYTES)
    throw new ConfigError(`${what} is larger than ${MAX_MODEL_BYTES} bytes`, { code: 'edge/too-large', file: what });
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.byteLength > MAX_MODEL_BYTES)
    throw new ConfigError(`${what} is larger than ${MAX_MODEL_BYTES} bytes`, { code: 'edge/too-large', file: what });
  return buf;
}

/** Locations of the external data a model names (checked), read without touching any data. */
export function externalLocations(bytes: Uint8Array, file: string): string[] {
  const seen = new Set<string>();
  const probe: ExternalDataResolver = {
    resolve(req) {
      seen.add(checkRelativeLocation(req.location, { file, field: 'external_data.location' }).join('/'));
      return { load: () => new Uint8Array(req.byteLength) };
    },
  };
  readOnnx(bytes, { file, externalData: probe });
  return [...seen];
}

/**
 * The model ready for a session: its bytes when self-contained, else the IR model with the
 * external data joined in (fetched by `sibling` for each checked location).
 */
async function joinExternalData(
  bytes: Uint8Array,
  file: string,
  sibling: (location: string) => Promise<Uint8Array>,
): Promise<{ model: Uint8Array | Model; size: number }> {
  const locations = externalLocations(bytes, file);
  if (locations.length === 0) return { model: bytes, size: bytes.byteLength };
  const files = new Map<string, Uint8Array>();
  let size = bytes.byteLength;
  for (const loc of locations) {
    const data = await sibling(loc);
    size += data.byteLength;
    if (size > MAX_MODEL_BYTES)
      throw new ConfigError(`${file} with its external data is larger than ${MAX_MODEL_BYTES} bytes`, {
        code: 'edge/too-large',
        file,
      });
    files.set(loc, data);
  }
  return { model: readOnnx(bytes, { file, externalData: memoryExternalData(files) }), size };
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

export async function loadBundled(entry: CatalogEntry, appBase: string): Promise<LoadedModel> {
  const segments = checkRelativeLocation(entry.file, { file: 'models/models.json', field: 'models.file' });
  const folder = new URL('models/', appBase);
  const url = new URL(segments.map(encodeURIComponent).join('/'), folder);
  const bytes = await readCapped(await fetch(url), entry.file);
  const { model, size } = await joinExternalData(bytes, entry.file, (loc) => fetchSibling(url, loc));
  return {
    id: entry.id,
    name: entry.name,
    source: 'bundled',
    size,
    model,
    ...(entry.pixelRange ? { pixelRange: entry.pixelRange } : {}),
    ...(typeof entry.precision === 'string' ? { precision: entry.precision.slice(0, 40) } : {}),
  };
}

/** A same-origin http(s) URL for what the user typed, or a ConfigError saying why not. */
export function sameOriginUrl(text: string, pageUrl: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim(), pageUrl);
  } catch {
    throw new ConfigError(`'${text}' is not a URL`, { code: 'edge/bad-url', field: 'url' });
  }
  const page = new URL(pageUrl);
  if (url.origin !== page.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`only models on this site (${page.origin}) can be loaded, not ${url.origin}`, {
      code: 'edge/cross-origin',
      field: 'url',
    });
  }
  return url;
}

/** External data beside a fetched model: the checked location, resolved inside the model's folder. */
export function siblingUrl(modelUrl: URL, location: string): URL {
  const segments = checkRelativeLocation(location, { file: modelUrl.pathname, field: 'external_data.location' });
  const folder = new URL('./', modelUrl);
  const url = new URL(segments.map(encodeURIComponent).join('/'), folder);
  if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) {
    throw new FormatError(`external data ${location} leaves the model's folder`, {
      code: 'path/unsafe',
      file: modelUrl.pathname,
      field: 'external_data.location',
    });
  }
  return url;
}

async function fetchSibling(modelUrl: URL, location: string): Promise<Uint8Array> {
  return readCapped(await fetch(siblingUrl(modelUrl, location)), location);
}

export async function loadFromUrl(text: string, pageUrl: string): Promise<LoadedModel> {
  const url = sameOriginUrl(text, pageUrl);
  const name = decodeURIComponent(url.pathname.split('/').pop() || url.pathname);
  const bytes = await readCapped(await fetch(url), name);
  const { model, size } = await joinExternalData(bytes, name, (loc) => fetchSibling(url, loc));
  return { id: nextId('url'), name, source: 'url', size, model };
}

/** Opened files: the .onnx one is the model, the others are its external data, looked up by name. */
export async function loadFromFiles(files: readonly File[]): Promise<LoadedModel> {
  const main = files.find((f) => f.name.toLowerCase().endsWith('.onnx')) ?? files[0];
  if (!main) throw new ConfigError('no file chosen', { code: 'edge/no-file', field: 'file' });
  const total = files.reduce((s, f) => s + f.size, 0);
  if (total > MAX_MODEL_BYTES)
    throw new ConfigError(`the chosen files are larger than ${MAX_MODEL_BYTES} bytes`, {
      code: 'edge/too-large',
      file: main.name,
    });
  const bytes = new Uint8Array(await main.arrayBuffer());
  const { model, size } = await joinExternalData(bytes, main.name, async (loc) => {
    // A picked file has only a name: the location must be a bare file name that was picked too.
    const f = files.find((x) => x !== main && x.name === loc);
    if (!f) {
      throw new FormatError(`${main.name} needs external data '${loc}': open it together with the model`, {
        code: 'onnx/external-missing',
        file: main.name,
        field: 'external_data.location',
      });
    }
    return new Uint8Array(await f.arrayBuffer());
  });
  return { id: nextId('file'), name: main.name, source: 'file', size, model };
}
