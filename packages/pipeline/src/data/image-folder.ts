// A folder of JPEG/PNG files as a Dataset: labels from sorted sub-folder names or from a
// `file,label` labels file; every path checked to stay under the root; images decoded on demand.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckedFile, readWhole } from '@enxuto/io/node';
import { isEnxutoError } from '@enxuto/ir';
import { configError, formatError } from './errors.js';
import { createDataset, type Dataset } from '@enxuto/pass';
import { decodeImage } from './decode-image.js';
import { applyImagePlan, planImage, sampleShapeOf, type RawImage } from './preprocess.js';
import { type DataPathRules, readDataFile, resolveDataPath } from './read-data-file.js';
import { rgbaToFloat } from './resize.js';
import { permutation } from '@enxuto/ir';
import { checkFolderInside, relativeName, resolveImagePath } from './safe-path.js';
import { MAX_CLASSES, type ImageFolderSpec } from './specs.js';

/** Bounds on what a folder walk may visit, so a huge or looping tree cannot hang the run. */
export const MAX_IMAGE_FILES = 1_000_000;
const MAX_FOLDER_DEPTH = 16;
/** Image files above this size are refused before reading. */
const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;
const MAX_LABELS_FILE_BYTES = 64 * 1024 * 1024;

interface Entry {
  /** The image, checked when listed (read later only if it is still the same file). */
  file: CheckedFile;
  label?: number;
}

interface Listing {
  entries: Entry[];
  classNames?: string[];
  numClasses?: number;
}

/**
 * `rules` confine the root and the labels file to the pipeline's folder and roots; every image
 * must then stay inside the root. `onFile` sees every file the dataset will read.
 */
export function imageFolderDataset(
  spec: ImageFolderSpec,
  rules: DataPathRules,
  field = 'data',
  onFile: (file: CheckedFile) => void = () => {},
): Dataset {
  const root = spec.root;
  const rootReal = resolveDataPath(spec.root, rules, `${field}.root`);
  if (!statSync(rootReal).isDirectory()) {
    throw configError('not a folder', { code: 'io/not-folder', file: root, field: `${field}.root` });
  }
  const extensions = new Set(spec.extensions.map((e) => e.toLowerCase()));
  const listing = spec.labels
    ? listFromLabelsFile(resolveDataPath(spec.labels, rules, `${field}.labels`), rootReal, `${field}.labels`, onFile)
    : listFromFolders(rootReal, extensions, `${field}.root`);
  for (const e of listing.entries) onFile(e.file);
  if (listing.entries.length === 0) {
    throw configError(`no ${spec.extensions.join('/')} images found`, {
      code: 'data/empty',
      file: root,
      field: `${field}.root`,
    });
  }
  let entries = listing.entries;
  if (spec.count !== undefined) {
    if (spec.count > entries.length) {
      throw configError(`count ${spec.count} is more than the ${entries.length} images in ${root}`, {
        code: 'data/count-too-large',
        field: `${field}.count`,
      });
    }
    entries = Array.from(permutation(entries.length, spec.seed).subarray(0, spec.count), (i) => entries[i]!);
  }
  const channels = spec.color === 'rgb' ? 3 : 1;
  const load = (entry: Entry): RawImage => {
    const where = { file: entry.file.path, field: `${field}.root` };
    const bytes = readWhole(entry.file, { maxBytes: MAX_IMAGE_FILE_BYTES, option: 'maxFileBytes' }, where);
    const image = decodeImage(bytes, entry.file.path, spec.maxPixels);
    return {
      width: image.width,
      height: image.height,
      channels,
      data: rgbaToFloat(image.rgba, image.width, image.height, spec.color),
    };
  };
  // The size comes from `resize` or a rank-3 `shape`; failing both, from the first image, and
  // then every image must match it: resizing silently to an arbitrary file's size would hide a
  // mixed-up folder.
  const { resize, shape } = spec.preprocess;
  const sizeDeclared =
    resize !== undefined || (shape !== undefined && sampleShapeOf(shape, `${field}.preprocess.shape`).length === 3);
  const native = sizeDeclared ? { height: 1, width: 1, channels } : load(entries[0]!);
  const plan = planImage(spec.preprocess, native, `${field}.preprocess`);
  return createDataset({
    description: `image folder ${root} (${entries.length} images, ${spec.color})`,
    size: entries.length,
    shape: plan.shape,
    hasLabels: listing.numClasses !== undefined,
    ...(listing.numClasses !== undefined ? { numClasses: listing.numClasses } : {}),
    ...(listing.classNames ? { classNames: listing.classNames } : {}),
    sample: (i) => {
      const entry = entries[i]!;
      const image = load(entry);
      if (!sizeDeclared && (image.width !== plan.width || image.height !== plan.height)) {
        throw formatError(
          `image is ${image.width}x${image.height} but the first image is ${plan.width}x${plan.height}; declare preprocess.resize`,
          {
            code: 'data/shape-mismatch',
            file: entry.file.path,
            field: `${field}.preprocess.resize`,
          },
        );
      }
      const input = applyImagePlan(image, plan, entry.file.path);
      return entry.label !== undefined ? { input, label: entry.label } : { input };
    },
  });
}

/** Code-unit order, the same on every machine and locale. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Walk {
  rootReal: string;
  extensions: Set<string>;
  field: string;
  /** Images found so far, against MAX_IMAGE_FILES. */
  count: number;
  /** Real folders already listed: a symlink loop is visited once. */
  visited: Set<string>;
}

function listFromFolders(rootReal: string, extensions: Set<string>, field: string): Listing {
  const state: Walk = { rootReal, extensions, field, count: 0, visited: new Set([rootReal]) };
  const top = readdirSync(rootReal, { withFileTypes: true }).sort((a, b) => byName(a.name, b.name));
  const classDirs = top.filter((d) => isDirectory(join(rootReal, d.name), d));
  if (classDirs.length === 0) return { entries: walk(rootReal, state, 0, []).map((file) => ({ file })) };
  // Files loose in the root sit beside the class folders (a README, a labels.csv): not samples.
  const entries: Entry[] = [];
  const classNames = classDirs.map((d) => d.name);
  classNames.forEach((name, label) => {
    for (const file of walk(join(rootReal, name), state, 1, [])) entries.push({ file, label });
  });
  return { entries, classNames, numClasses: classNames.length };
}

function isDirectory(path: string, entry: { isDirectory(): boolean; isSymbolicLink(): boolean }): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling link is no folder
  }
}

/** Appends the image files under `dir` to `out`, sorted, recursing into sub-folders; symlinks must stay inside the root. */
function walk(dir: string, state: Walk, depth: number, out: CheckedFile[]): CheckedFile[] {
  const { rootReal, extensions, field } = state;
  if (depth > MAX_FOLDER_DEPTH) {
    throw formatError(`folders nest deeper than ${MAX_FOLDER_DEPTH} levels`, {
      code: 'data/too-deep',
      file: dir,
      field,
    });
  }
  const realDir = checkFolderInside(rootReal, dir, field);
  if (depth > 0 && state.visited.has(realDir)) return out;
  state.visited.add(realDir);
  for (const d of readdirSync(realDir, { withFileTypes: true }).sort((a, b) => byName(a.name, b.name))) {
    const path = join(realDir, d.name);
    if (isDirectory(path, d)) {
      walk(path, state, depth + 1, out);
      continue;
    }
    const dot = d.name.lastIndexOf('.');
    if (dot < 0 || !extensions.has(d.name.slice(dot).toLowerCase())) continue;
    if (++state.count > MAX_IMAGE_FILES) {
      throw formatError(`more than ${MAX_IMAGE_FILES} images`, { code: 'data/too-large', file: rootReal, field });
    }
    out.push(resolveImagePath(rootReal, relativeName(rootReal, path), rootReal, field));
  }
  return out;
}

/** `file,label` lines; blank lines, `#` comments and a `file,label` header are skipped. */
function listFromLabelsFile(
  labelsFile: string,
  rootReal: string,
  field: string,
  onFile: (file: CheckedFile) => void,
): Listing {
  const text = new TextDecoder('utf-8').decode(
    readDataFile(labelsFile, field, { maxBytes: MAX_LABELS_FILE_BYTES, gunzip: false, onFile }),
  );
  const rows: { file: CheckedFile; label: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (
      trimmed === '' ||
      trimmed.startsWith('#') ||
      (rows.length === 0 && /^(file|path|filename)\s*,\s*label$/i.test(trimmed))
    )
      return;
    const comma = trimmed.lastIndexOf(',');
    const lineField = `${field} line ${i + 1}`;
    if (comma <= 0 || comma === trimmed.length - 1) {
      // The line itself is not echoed: the file may not be a labels file at all.
      throw formatError('expected a "file,label" line', {
        code: 'data/bad-label',
        file: labelsFile,
        field: lineField,
      });
    }
    if (rows.length >= MAX_IMAGE_FILES)
      throw formatError(`more than ${MAX_IMAGE_FILES} rows`, {
        code: 'data/too-large',
        file: labelsFile,
        field: lineField,
      });
    rows.push({
      file: labelledImage(rootReal, trimmed.slice(0, comma).trim(), labelsFile, lineField),
      label: trimmed.slice(comma + 1).trim(),
    });
  });
  const numeric = rows.every((r) => /^\d+$/.test(r.label));
  if (numeric) {
    const labels = rows.map((r) => Number(r.label));
    const max = labels.reduce((a, b) => Math.max(a, b), -1);
    if (max >= MAX_CLASSES) {
      throw formatError(`label ${max} is not below the ${MAX_CLASSES} classes allowed`, {
        code: 'data/bad-label',
        file: labelsFile,
        field,
      });
    }
    return { entries: rows.map((r, i) => ({ file: r.file, label: labels[i]! })), numClasses: max + 1 };
  }
  const classNames = [...new Set(rows.map((r) => r.label))].sort(byName);
  const index = new Map(classNames.map((name, i) => [name, i]));
  return {
    entries: rows.map((r) => ({ file: r.file, label: index.get(r.label)! })),
    classNames,
    numClasses: classNames.length,
  };
}

/** The image a labels line names; the error gives the line, never its text (see above). */
function labelledImage(rootReal: string, name: string, labelsFile: string, field: string): CheckedFile {
  try {
    return resolveImagePath(rootReal, name, labelsFile, field);
  } catch (e) {
    throw formatError(`the image this line names cannot be read (${isEnxutoError(e) ? e.code : 'error'})`, {
      code: 'data/bad-label',
      file: labelsFile,
      field,
      cause: e,
    });
  }
}
