// A trial worker process: imports the trial module named on its command line once, then runs the
// trials its parent sends, one at a time. It exits with its parent (a killed worker leaves no
// orphan computing a trial nobody will record).
import { pathToFileURL } from 'node:url';
import type { TrialJob, TrialRunner } from '../trial.js';
import type { ChildMessage, ParentMessage } from './protocol.js';

const send = (m: ChildMessage) => process.send?.(m);
process.on('disconnect', () => process.exit(0));

const modulePath = process.argv[2];
if (!modulePath || !process.send) {
  process.stderr.write('usage: a trial worker process is started by the sweep engine (fork with an IPC channel)\n');
  process.exit(2);
}
const mod = (await import(modulePath.startsWith('file:') ? modulePath : pathToFileURL(modulePath).href)) as {
  runTrial?: TrialRunner;
};
if (typeof mod.runTrial !== 'function') {
  process.stderr.write(`trial module ${modulePath} exports no runTrial function\n`);
  process.exit(2);
}
const runTrial = mod.runTrial;

process.on('message', (m: ParentMessage) => {
  if (m.type !== 'run') return;
  void run(m.job);
});

async function run(job: TrialJob): Promise<void> {
  try {
    send({ type: 'done', outcome: await runTrial(job) });
  } catch (e) {
    // A runner should return errors as outcomes; anything thrown is still the trial's, not ours.
    send({
      type: 'done',
      outcome: {
        status: 'error',
        error: { code: 'internal', message: String((e as Error)?.message ?? e) },
        seconds: 0,
      },
    });
  }
}

send({ type: 'ready' });
