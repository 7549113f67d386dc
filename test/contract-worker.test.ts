/**
 * The runtime contract (test/contract/suite.ts) against the Worker: src/runtime/worker.ts served
 * by workerd through `wrangler dev --local` (wrangler.toml as shipped), a local D1 migrated with
 * `wrangler d1 migrations apply`, local R2. No Cloudflare account, no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startLocalWorker } from '../src/runtime/wrangler-local';
import { contractSuite } from './contract/suite';

contractSuite('Workers (workerd, D1, R2, wasm)', async (env) => {
  const persistTo = mkdtempSync(join(tmpdir(), 'adfeed-worker-'));
  const port = await freePort();
  const worker = await startLocalWorker({
    persistTo,
    port,
    vars: {
      ADMIN_TOKEN: env.ADMIN_TOKEN,
      PHOTO_FETCH_ALLOW: env.PHOTO_FETCH_ALLOW,
      PUBLIC_URL: env.publicUrlFor(`http://127.0.0.1:${port}`),
    },
  });
  return {
    url: worker.url,
    log: worker.log,
    housekeeping: worker.runCron,
    stop: async () => {
      await worker.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
});
