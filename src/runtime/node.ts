/**
 * `npm start`: the Node server. Reads settings from the environment, opens SQLite, serves the
 * app with @hono/node-server, and runs housekeeping on a timer.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { parseSettings, SettingsError, type Settings } from '../env';
import { nodeDeps, openNodeStore } from './node-parts';

/** Housekeeping interval: old product versions, expired held imports, old fetch logs. */
const GC_EVERY_MS = 10 * 60_000;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(settings: Settings, opts: { onReady?: (url: string) => void } = {}): Promise<RunningServer> {
  const { store, close } = await openNodeStore(settings.dbFile);
  const deps = nodeDeps(store, settings);
  const app = createApp(deps);
  const timer = setInterval(() => {
    store.collectGarbage(new Date().toISOString()).catch((err: unknown) => console.error('housekeeping failed', err));
  }, GC_EVERY_MS);
  timer.unref();
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: settings.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
      const url = `http://localhost:${info.port}`;
      opts.onReady?.(url);
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            server.close(() => {
              close();
              done();
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
