// Jobs on a queue are signed by the coordinator with a shared secret (ENXUTO_QUEUE_SECRET), and
// workers run only jobs whose signature checks: anyone who can write to Redis could otherwise make
// every worker run a pipeline of their choosing (and its plugins).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, EnxutoError } from '@enxuto/ir';
import { TRIAL_JOB_VERSION, type TrialJob } from '../trial.js';

/** A job as it sits on the queue: the trial as JSON and its HMAC-SHA256. */
export interface SignedJob {
  payload: string;
  sig: string;
}

/** A job a worker refuses to run: unsigned, forged, or not a trial of this version. */
export class RefusedJobError extends EnxutoError {}

export const MIN_SECRET_LENGTH = 16;
const CONTEXT = 'enxuto-trial-job-v1\n';

export function queueSecret(env: NodeJS.ProcessEnv = process.env): string {
  const s = env.ENXUTO_QUEUE_SECRET;
  if (!s || s.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `ENXUTO_QUEUE_SECRET must be set to the same secret of at least ${MIN_SECRET_LENGTH} characters on the coordinator and every worker (e.g. openssl rand -hex 32)`,
      { code: 'queue/no-secret', field: 'ENXUTO_QUEUE_SECRET' },
    );
  }
  return s;
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(CONTEXT).update(payload).digest();
}

export function signJob(job: TrialJob, secret: string): SignedJob {
  const payload = JSON.stringify(job);
  return { payload, sig: mac(secret, payload).toString('hex') };
}

/** The trial of a signed job, or a RefusedJobError saying why it is refused. */
export function verifyJob(data: unknown, secret: string): TrialJob {
  const d = data as Partial<SignedJob> | null;
  if (d === null || typeof d !== 'object' || typeof d.payload !== 'string' || typeof d.sig !== 'string') {
    throw new RefusedJobError('refused an unsigned job', { code: 'queue/unsigned' });
  }
  const given = Buffer.from(d.sig, 'hex');
  const expected = mac(secret, d.payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new RefusedJobError('refused a job whose signature does not match ENXUTO_QUEUE_SECRET', {
      code: 'queue/bad-signature',
    });
  }
  const job = JSON.parse(d.payload) as TrialJob;
  if (job?.v !== TRIAL_JOB_VERSION || typeof job.key !== 'string' || typeof job.sweepId !== 'string') {
    throw new RefusedJobError(
      `refused a job of another version (${String(job?.v)}; this worker runs ${TRIAL_JOB_VERSION})`,
      {
        code: 'queue/bad-job',
      },
    );
  }
  return job;
}
