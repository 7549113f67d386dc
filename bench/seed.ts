/** Builds a bench database with `count` demo products through the real import path. */
import { rmSync } from 'node:fs';
import { runImport } from '../src/catalog/import';
import { csvStream } from '../src/demo/catalog-generator';
import { openNodeStore } from '../src/runtime/node-parts';

export async function seedBenchCatalog(dbFile: string, slug: string, count: number): Promise<void> {
  rmSync(dbFile, { force: true });
  const { store, close } = await openNodeStore(dbFile);
  try {
    const { catalog } = await store.putCatalog(
      slug,
      {
        title: 'Bench shop',
        link: 'https://shop.example.com',
        currency: 'EUR',
        locale: 'nl-NL',
        timezone: 'Europe/Amsterdam',
        consent_mode: 'opt-in',
        allowed_origins: [],
        retention_days: 90,
        max_drop_share: 0.3,
      },
      new Date().toISOString(),
    );
    const report = await runImport(store, catalog, csvStream({ count, baseUrl: 'https://shop.example.com' }), {
      mode: 'replace',
      format: 'csv',
      confirm: true,
      maxBytes: Number.MAX_SAFE_INTEGER,
      now: () => new Date(),
    });
    if (report.status !== 'published') throw new Error(`seeding failed: ${report.status} ${report.message}`);
  } finally {
    close();
  }
}
