/**
 * `npm run demo`: the service on an embedded SQLite file with a synthetic demo catalog loaded,
 * its product photos and pages served by the demo itself, so every link in the feeds resolves.
 * Prints the admin token and the feed URLs.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../app';
import { runImport } from '../catalog/import';
import { csvStream } from '../demo/catalog-generator';
import { demoImageRoutes } from '../demo/images';
import { parseSettings } from '../env';
import { escapeXml } from '../feeds/escape';
import { randomToken } from '../util/crypto';
import { nodeDeps, openNodeStore } from './node-parts';

const DEMO_SLUG = 'demo';

async function main(): Promise<void> {
  const settings = parseSettings(
    {
      ...process.env,
      ADFEED_DB: process.env.ADFEED_DB ?? './data/demo.db',
      // the demo serves its own product photos on loopback; creatives fetch them from there
      PHOTO_FETCH_ALLOW: process.env.PHOTO_FETCH_ALLOW ?? '127.0.0.1,::1',
    },
    { adminToken: randomToken(), signingKey: randomToken() },
  );
  const count = Number(process.env.DEMO_PRODUCTS ?? 2000);
  const { store, close } = await openNodeStore(settings.dbFile);
  const now = () => new Date();

  let catalog = await store.getCatalog(DEMO_SLUG);
  if (!catalog || catalog.version === 0) {
    catalog = (
      await store.putCatalog(
        DEMO_SLUG,
        {
          title: 'adfeed demo shop',
          link: settings.publicUrl,
          currency: 'EUR',
          locale: 'nl-NL',
          timezone: 'Europe/Amsterdam',
          consent_mode: 'opt-in',
          allowed_origins: [settings.publicUrl],
          retention_days: 90,
          max_drop_share: 0.3,
        },
        now().toISOString(),
      )
    ).catalog;
    const started = Date.now();
    const report = await runImport(store, catalog, csvStream({ count, baseUrl: settings.publicUrl }), {
      mode: 'replace',
      format: 'csv',
      confirm: true,
      maxBytes: Number.MAX_SAFE_INTEGER,
      now,
    });
    console.log(
      `demo catalog: imported ${report.counts.valid} products in ${Date.now() - started} ms (${report.counts.invalid} invalid, ${report.counts.warnings} warnings)`,
    );
    catalog = (await store.getCatalog(DEMO_SLUG))!;
  }

  const root = new Hono();
  root.route('/', demoImageRoutes());
  root.get('/p/:id', async (c) => {
    const product = await store.getProduct(catalog!.id, c.req.param('id'));
    if (!product) return c.text('no such product', 404);
    return c.html(
      `<!doctype html><meta charset="utf-8"><title>${escapeXml(product.title)}</title>` +
        `<h1>${escapeXml(product.title)}</h1><img src="${escapeXml(product.image_link ?? '')}" width="400" alt="">` +
        `<p>${escapeXml(product.description)}</p>`,
    );
  });
  const deps = nodeDeps(store, settings);
  root.route('/', createApp(deps));

  const server = serve({ fetch: root.fetch, port: settings.port }, () => {
    const base = settings.publicUrl;
    console.log(`\nadfeed demo running at ${base}  (database ${settings.dbFile})`);
    console.log(`admin token: ${settings.adminToken}`);
    console.log('feeds:');
    for (const d of deps.feeds) console.log(`  ${base}/feeds/${DEMO_SLUG}/${d.name}.${d.format}`);
    console.log(`try:  curl -H "Authorization: Bearer ${settings.adminToken}" ${base}/admin/catalogs/${DEMO_SLUG}/feeds/google/diagnostics`);
  });
  const stop = () => server.close(() => {
    close();
    process.exit(0);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
