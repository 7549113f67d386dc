// Boots a worker thread on a TypeScript module (workerData.module, a file URL): Node 20 does not
// hand a worker's imports to the loader that `--import tsx` set up for the main thread.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
