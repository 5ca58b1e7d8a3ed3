// A queue worker process for the queue tests: `enxuto worker` with the waiting trial module.
// argv: <redis url> <concurrency> <lock ms> <root>...; logs one line per event on stdout.
import { startQueueWorker } from '../src/queue/worker.js';
import { realRoots } from '../src/confine.js';
import { WAIT_TRIAL } from './fixtures.js';

const [url, concurrency, lockMs, ...roots] = process.argv.slice(2);
const worker = await startQueueWorker({
  url: url!,
  secret: process.env.ENXUTO_QUEUE_SECRET!,
  concurrency: Number(concurrency),
  lockMs: Number(lockMs),
  trialModule: WAIT_TRIAL,
  roots: realRoots(roots),
  allowPlugins: [],
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`worker ${worker.name} ready\n`);
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
