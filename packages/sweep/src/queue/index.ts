// @enxuto/sweep/queue: trials as signed BullMQ jobs on Redis: the coordinator's engine, the worker,
// the job signature, the results store in Redis and queue URLs.
export { cancelQueuedSweep, queueEngine, type QueueEngineOptions } from './coordinator.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './worker.js';
export { queueSecret, RefusedJobError, signJob, verifyJob, MIN_SECRET_LENGTH, type SignedJob } from './sign.js';
export { DEFAULT_QUEUE_NAME, jobIdOf, KEY_PREFIX, SweepStore } from './store.js';
export { parseQueueUrl, redact, type RedisConnectionOptions } from './url.js';
