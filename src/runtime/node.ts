/**
 * `npm start`: the Node server. Reads settings from the environment, opens SQLite, serves the
 * app with @hono/node-server, and runs housekeeping on a timer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp } from '../app';
import type { AppDeps } from '../deps';
import { parseSettings, SettingsError, type Settings } from '../env';
import { runHousekeeping } from '../jobs/housekeeping';
import { createCollectEdge } from '../signals/collect-edge';
import { nodeDeps, openNodeStore } from './node-parts';
import { withPixelFastPath } from './node-pixel';

/** Housekeeping interval (src/jobs/housekeeping.ts): retention, old product versions, held imports, fetch logs, labels. */
const GC_EVERY_MS = 10 * 60_000;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  settings: Settings,
  opts: { onReady?: (url: string) => void; overrides?: Partial<AppDeps> } = {},
): Promise<RunningServer> {
  const { store, close } = await openNodeStore(settings.dbFile);
  const deps: AppDeps = { ...nodeDeps(store, settings), ...opts.overrides };
  const collectEdge = createCollectEdge(deps);
  const app = createApp(deps, { collectEdge });
  const timer = setInterval(() => {
    runHousekeeping(deps, new Date())
      .then((report) => {
        if (report.errors.length) console.error('housekeeping failed', report.errors);
      })
      .catch((err: unknown) => console.error('housekeeping failed', err));
  }, GC_EVERY_MS);
  timer.unref();
  const host = process.env.HOST ?? '0.0.0.0';
  // GET /px.gif is answered before Hono's listener (./node-pixel.ts says why). `hostname`: the
  // URL of a request without a Host header (HTTP/1.0), as serve() would set it.
  const server = createServer(withPixelFastPath(collectEdge, settings.trustProxy, getRequestListener(app.fetch, { hostname: host })));
  return new Promise((resolve) => {
    server.listen(settings.port, host, () => {
      const url = `http://localhost:${(server.address() as AddressInfo).port}`;
      opts.onReady?.(url);
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            server.close(() => {
              // Commit what the last requests queued before the database closes.
              deps.signals
                .drain()
                .finally(close)
                .catch((err: unknown) => console.error('closing the database failed', err))
                .finally(done);
            });
          }),
      });
    });
  });
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = parseSettings(process.env);
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(`adfeed: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(settings, {
    onReady: (url) => console.log(`adfeed listening on ${url} (database ${settings.dbFile})`),
  });
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
