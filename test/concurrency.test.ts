/**
 * Feed reads racing imports and event ingestion (issue 7): a loop of feed GETs runs in-process
 * while replace and upsert imports publish new catalog versions and /collect batches land.
 * Every title carries the number of the import that wrote it (`… #k`), so a document mixing
 * two versions shows as two markers. Every XML body must parse, every item must carry one
 * marker, and every CSV row must have the header's column count.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';

const PRODUCTS = 1_100; // more than one feed page (FEED_PAGE_SIZE 1000): a read spans several store queries
const RUN_MS = 3_000;
const MAX_RUN_MS = 12_000;
const MIN_READS = 4;

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop', { max_drop_share: 1 });
});
afterEach(() => t.close());

/** Import number k: every product's title ends in ` #k`, descriptions hold CSV/XML-hostile text. */
function version(k: number, offset = 0): string {
  return csv(
    Array.from({ length: PRODUCTS }, (_, i) =>
      row(i + 1 + offset, {
        title: `Product ${i + 1 + offset}, "quoted" & <tagged> #${k}`,
        description: `line one\nline two, with comma; version ${k}\r\nand "quotes"`,
      }),
    ),
  );
}

const markerOf = (title: string) => /#(\d+)$/.exec(title)?.[1];

describe('feed reads during imports and event ingestion', () => {
  it('never see a mixed or malformed document', { timeout: 20_000 }, async () => {
    const first = await t.importText('shop', version(0), { format: 'csv' });
    expect(first.res.status).toBe(201);

    const xmlParser = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true, isArray: (name) => name === 'item' });
    let done = false;
    const stats = { xml: 0, csv: 0, imports: 0, collects: 0, versions: new Set<string>() };

    async function importer(): Promise<void> {
      let k = 0;
      const stop = Date.now() + RUN_MS;
      const hardStop = Date.now() + MAX_RUN_MS;
      // at least RUN_MS, and on a loaded machine on until every reader finished a few documents
      const enough = () => stats.xml >= MIN_READS && stats.csv >= MIN_READS && stats.collects >= MIN_READS;
      while (!done && (Date.now() < stop || !enough()) && Date.now() < hardStop) {
        k++;
        // replace, upsert of every product, and a replace that swaps half the ids, in turn
        const mode = k % 3 === 1 ? 'upsert' : 'replace';
        const body = k % 3 === 2 ? version(k, PRODUCTS / 2) : version(k);
        const { res, json } = await t.importText('shop', body, { format: 'csv', mode });
        expect(res.status, JSON.stringify(json).slice(0, 300)).toBe(201);
        expect(json.status).toBe('published');
        stats.imports++;
        await new Promise((r) => setTimeout(r, 10)); // back-to-back imports would starve the readers
      }
    }

    async function collector(): Promise<void> {
      let n = 0;
      while (!done) {
        const events = Array.from({ length: 50 }, (_, i) => ({
          type: i % 2 ? 'view_item' : 'add_to_cart',
          event_id: `conc-${n}-${i}`,
          items: [{ id: `SKU-${String((i % PRODUCTS) + 1).padStart(4, '0')}` }],
        }));
        n++;
        const res = await t.app.request('/collect', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${n % 250}.${(n >> 8) % 250}` },
          body: JSON.stringify({ catalog: 'shop', vid: `visitor-${String(n % 20).padStart(6, '0')}`, consent: true, events }),
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { accepted: number }).accepted).toBe(50);
        stats.collects++;
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    async function xmlReader(encoding?: string): Promise<void> {
      while (!done) {
        const res = await t.app.request('/feeds/shop/google.xml', encoding ? { headers: { 'accept-encoding': encoding } } : {});
        expect(res.status).toBe(200);
        const text =
          res.headers.get('content-encoding') === 'gzip'
            ? await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).text()
            : await res.text();
        let doc: any;
        expect(() => (doc = xmlParser.parse(text, true)), text.slice(-300)).not.toThrow();
        const items = (doc.rss.channel.item ?? []) as Array<Record<string, unknown>>;
        expect(items.length).toBeGreaterThanOrEqual(PRODUCTS);
        const markers = new Set(items.map((i) => markerOf(String(i['g:title']))));
        expect([...markers], `one version per document (catalog v${res.headers.get('x-catalog-version')})`).toHaveLength(1);
        expect([...markers][0]).toMatch(/^\d+$/);
        stats.versions.add(`xml ${[...markers][0]}`);
        stats.xml++;
      }
    }

    async function csvReader(): Promise<void> {
      while (!done) {
        const res = await t.app.request('/feeds/shop/meta.csv');
        expect(res.status).toBe(200);
        const text = await res.text();
        const rows = parseCsv(text, { relax_column_count: true, bom: true }) as string[][];
        const header = rows[0]!;
        expect(header).toContain('title');
        const title = header.indexOf('title');
        for (const r of rows.slice(1)) expect(r.length, `row ${r[0]}`).toBe(header.length);
        expect(rows.length - 1).toBeGreaterThanOrEqual(PRODUCTS);
        const markers = new Set(rows.slice(1).map((r) => markerOf(r[title]!)));
        expect([...markers]).toHaveLength(1);
        stats.versions.add(`csv ${[...markers][0]}`);
        stats.csv++;
      }
    }

    // The first failure stops every loop, so none outlives the test (and its database).
    const stopOnError = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        done = true;
        throw err;
      });
    const writers = stopOnError(importer()).finally(() => {
      done = true;
    });
    await Promise.all([writers, ...[collector(), xmlReader(), xmlReader('gzip'), csvReader(), csvReader()].map(stopOnError)]);

    // the race really happened: several versions were published and seen
    expect(stats.imports).toBeGreaterThanOrEqual(MIN_READS);
    expect(stats.xml).toBeGreaterThanOrEqual(MIN_READS);
    expect(stats.csv).toBeGreaterThanOrEqual(MIN_READS);
    expect(stats.collects).toBeGreaterThanOrEqual(MIN_READS);
    expect([...stats.versions].filter((v) => v.startsWith('xml')).length).toBeGreaterThan(1);
    const events = (t.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    expect(events).toBe(stats.collects * 50);
  });
});
