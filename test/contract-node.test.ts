/** The runtime contract (test/contract/suite.ts) against the Node server: `npm start` on a fresh SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../src/env';
import { runHousekeeping } from '../src/jobs/housekeeping';
import { startServer } from '../src/runtime/node';
import { nodeDeps, openNodeStore } from '../src/runtime/node-parts';
import { freePort } from '../src/runtime/wrangler-local';
import { contractSuite } from './contract/suite';

contractSuite('Node (better-sqlite3, files, sharp)', async (env) => {
  const dir = mkdtempSync(join(tmpdir(), 'adfeed-contract-'));
  const port = await freePort();
  const publicUrl = env.publicUrlFor(`http://127.0.0.1:${port}`);
  const settings = parseSettings({
    ADMIN_TOKEN: env.ADMIN_TOKEN,
    PHOTO_FETCH_ALLOW: env.PHOTO_FETCH_ALLOW,
    ADFEED_DB: join(dir, 'adfeed.db'),
    PORT: String(port),
    PUBLIC_URL: publicUrl,
  });
  const server = await startServer(settings);
  return {
    url: `http://127.0.0.1:${port}`,
    // what the server's timer runs, from a second connection to the same file (as the CLI would)
    housekeeping: async () => {
      const { store, close } = await openNodeStore(settings.dbFile);
      try {
        const report = await runHousekeeping(nodeDeps(store, settings), new Date());
        if (report.errors.length > 0) throw new Error(report.errors.join('; '));
      } finally {
        close();
      }
    },
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
