// Files named in pass options (a sensitivity.json) count as the trial's files: a queue worker
// confines them to its roots, and best.pipeline.yaml rewrites them to work from the results folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { definePass, sensitivityOption } from '@enxuto/pass';
import { createRegistry } from '@enxuto/pipeline/node';
import { sharedDir } from '@enxuto/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { sweepFolder } from '../test/fixtures.js';
import { checkTrialInsideRoots, realRoots, trialFiles } from './confine.js';
import { prepareSweep } from './prepare.js';
import { bestPipelineYaml } from './results.js';
import { loadSweepFile } from './sweep-file.js';
import type { TrialRecord } from './trial.js';

const bySensitivity = definePass({
  name: 'by-sensitivity',
  summary: 'a pass with a sensitivity file option',
  options: z.strictObject({ sensitivity: sensitivityOption, level: z.number().default(0) }),
  async run(model) {
    return { model, changed: false, stats: {} };
  },
});
const registry = createRegistry([bySensitivity]);

let folder: ReturnType<typeof sweepFolder> | undefined;
afterEach(() => folder?.cleanup());

async function prepared(sensitivity: string) {
  folder = sweepFolder(
    { passes: [{ type: 'by-sensitivity', options: { sensitivity } }] },
    { search: { 'passes.0.options.level': [1] }, out: 'results/sweep' },
  );
  mkdirSync(join(folder.path, 'sens'));
  writeFileSync(join(folder.path, 'sens', 'sensitivity.json'), '{}');
  return prepareSweep(
    loadSweepFile(folder.sweepFile),
    [{ settings: { 'passes.0.options.level': 1 }, set: ['passes.0.options.level=1'] }],
    { registry },
  );
}

describe('files named in pass options, in a sweep', () => {
  it('a worker confines them to its roots', async () => {
    const p = await prepared('sens/sensitivity.json');
    const job = p.jobs[0]!;
    expect(trialFiles(job, registry)).toContainEqual([
      'passes.0.options.sensitivity',
      join(folder!.path, 'sens', 'sensitivity.json'),
    ]);
    // Inside the roots: accepted; with the file's folder left out of the roots, refused by name.
    expect(() => checkTrialInsideRoots(job, realRoots([folder!.path, sharedDir()]), registry)).not.toThrow();
    const outside = { ...job, set: [...job.set, 'passes.0.options.sensitivity="/etc/passwd"'] };
    expect(() => checkTrialInsideRoots(outside, realRoots([folder!.path, sharedDir()]), registry)).toThrow(
      expect.objectContaining({ code: 'queue/outside-roots', field: 'passes.0.options.sensitivity' }),
    );
  });

  it('best.pipeline.yaml names the file relative to the results folder', async () => {
    const p = await prepared('sens/sensitivity.json');
    const job = p.jobs[0]!;
    const best = { id: job.id, key: job.key, index: 0, settings: job.settings } as TrialRecord;
    const yaml = parse(bestPipelineYaml(p, best)) as { passes: { options: { sensitivity: string; level: number } }[] };
    expect(yaml.passes[0]!.options.level).toBe(1);
    const from = resolve(p.sweep.outDir, yaml.passes[0]!.options.sensitivity);
    expect(from).toBe(join(folder!.path, 'sens', 'sensitivity.json'));
  });
});
