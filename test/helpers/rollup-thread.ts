/**
 * A rollup on a connection and thread of its own (test/signals-rollup.test.ts): another process
 * on the same file, e.g. a CLI run beside the server. Says `ready` once connected, starts on `go`,
 * answers how far the watermark moved while it ran.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { betterSqliteDriver, openSqlite } from '../../src/store/drivers/better-sqlite3';
import { rollUpEvents } from '../../src/store/event-rollup';

const { file, chunk } = workerData as { file: string; chunk: number };
const db = openSqlite(file);
const port = parentPort!;
port.once('message', async () => {
  try {
    port.postMessage({ moved: await rollUpEvents(betterSqliteDriver(db), chunk) });
  } catch (err) {
    port.postMessage({ error: String(err) });
  } finally {
    db.close();
  }
});
port.postMessage('ready');
