/**
 * `npm run dev:worker`: the Worker (src/runtime/worker.ts) in local workerd through
 * `wrangler dev --local`, with a local D1 and R2 under data/worker-state. No Cloudflare account,
 * no network. Like `npm run demo`, a first start loads the demo catalog (through the Worker's own
 * admin API) and serves the demo's product photos from a small Node server on loopback, which
 * the Worker is allowed to fetch. Prints the admin token and the feed URLs.
 */
import { join } from 'node:path';
import { csvStream } from '../demo/catalog-generator';
import { serveDemoImages } from '../demo/images';
import { builtinDefinitions } from '../feeds/definitions-bundle';
import { randomToken } from '../util/crypto';
import { PROJECT_ROOT } from './node-parts';
import { startLocalWorker } from './wrangler-local';

const SLUG = 'demo';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8788);
  const url = `http://127.0.0.1:${port}`;
  const token = process.env.ADMIN_TOKEN ?? randomToken();
  // on the port after the Worker's, fixed, so the photo links stored by a first start stay valid
  const photos = (await serveDemoImages(port + 1)).origin;
  const worker = await startLocalWorker({
    persistTo: join(PROJECT_ROOT, 'data', 'worker-state'),
    port,
    echo: true,
    vars: { ADMIN_TOKEN: token, PUBLIC_URL: url, PHOTO_FETCH_ALLOW: '127.0.0.1,::1', MAX_UPLOAD_MB: '100' },
  });
  const admin = { authorization: `Bearer ${token}` };
  const existing = await fetch(`${url}/admin/catalogs/${SLUG}`, { headers: admin });
  if (existing.status === 404) {
    await fetch(`${url}/admin/catalogs/${SLUG}`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'adfeed demo shop', link: url, currency: 'EUR', locale: 'nl-NL', allowed_origins: [url] }),
    });
    const count = Number(process.env.DEMO_PRODUCTS ?? 2000);
    const csv = await new Response(csvStream({ count, baseUrl: photos })).arrayBuffer();
    const res = await fetch(`${url}/admin/catalogs/${SLUG}/imports?mode=replace&confirm=1`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'text/csv' },
      body: csv,
    });
    const report = (await res.json()) as { counts?: { valid: number } };
    console.log(`demo catalog: ${res.status}, ${report.counts?.valid ?? 0} products imported into local D1`);
  }
  console.log(`\nadfeed Worker (local workerd) at ${url}  (D1 and R2 in data/worker-state)`);
  console.log(`admin token: ${token}${process.env.ADMIN_TOKEN ? ' (from ADMIN_TOKEN)' : ' (new each start; set ADMIN_TOKEN to keep one)'}`);
  console.log('feeds:');
  for (const d of builtinDefinitions) console.log(`  ${url}/feeds/${SLUG}/${d.name}.${d.format}`);
  const stop = () => void worker.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
