import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
});
afterEach(() => t.close());

async function liveIds(slug = 'shop'): Promise<string[]> {
  const res = await t.admin(`/admin/catalogs/${slug}/products?limit=500`);
  const page = (await res.json()) as { items: Array<{ id: string }> };
  return page.items.map((p) => p.id);
}

describe('import formats', () => {
  const rows = [row(1), row(2, { title: 'Ünïcødé "quoted", with comma' }), row(3)];

  it('CSV', async () => {
    const { res, json } = await t.importText('shop', csv(rows), { contentType: 'text/csv' });
    expect(res.status).toBe(201);
    expect(json.status).toBe('published');
    expect(json.counts).toMatchObject({ rows: 3, valid: 3, invalid: 0 });
    expect(await liveIds()).toEqual(['SKU-0001', 'SKU-0002', 'SKU-0003']);
  });

  it('TSV', async () => {
    const header = Object.keys(rows[0]!);
    const tsv = [header.join('\t'), ...rows.map((r) => header.map((h) => String(r[h])).join('\t'))].join('\n');
    const { json } = await t.importText('shop', tsv, { contentType: 'text/tab-separated-values' });
    expect(json.counts.valid).toBe(3);
  });

  it('JSON array and NDJSON', async () => {
    const { json: a } = await t.importText('shop', JSON.stringify(rows), { contentType: 'application/json' });
    expect(a.counts.valid).toBe(3);
    const nd = rows.map((r) => JSON.stringify(r)).join('\n');
    const { json: b } = await t.importText('shop', nd, { format: 'ndjson', mode: 'upsert' });
    expect(b.counts.valid).toBe(3);
    expect(b.changes).toMatchObject({ added: 0, unchanged: 3 });
  });

  it('Google RSS keeps leading zeros of GTINs and ids', async () => {
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>x</title>
<item><g:id>000123</g:id><title>Zero &amp; Co</title><description>d</description><link>https://shop.example.com/a</link>
<g:image_link>https://shop.example.com/a.jpg</g:image_link><g:price>12.50 EUR</g:price><g:availability>in_stock</g:availability>
<g:brand>B</g:brand><g:gtin>00012345678905</g:gtin><g:condition>new</g:condition></item>
</channel></rss>`;
    const { json } = await t.importText('shop', xml, { contentType: 'application/rss+xml' });
    expect(json.counts.valid).toBe(1);
    const res = await t.admin('/admin/catalogs/shop/products/000123');
    const body = (await res.json()) as any;
    expect(body.product.gtin).toBe('00012345678905');
    expect(body.product.title).toBe('Zero & Co');
  });

  it('refuses XML with a DOCTYPE and changes nothing', async () => {
    await t.importText('shop', csv([row(1)]), { format: 'csv' });
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "boom">]><rss><channel><item><g:id>&x;</g:id></item></channel></rss>`;
    const { res, json } = await t.importText('shop', xml, { format: 'xml' });
    expect(res.status).toBe(422);
    expect(json.error).toBe('import_failed');
    expect(json.message).toMatch(/DOCTYPE|ENTITY/i);
    expect(await liveIds()).toEqual(['SKU-0001']);
  });

  it('415 when the format cannot be told', async () => {
    const { res, json } = await t.importText('shop', '\u0000\u0001binary', { contentType: 'application/octet-stream' });
    expect([415, 422]).toContain(res.status);
    expect(json.message).toBeTruthy();
  });
});

describe('bad rows', () => {
  it('reports line-numbered errors while the good rows land', async () => {
    const body = csv([row(1), row(2, { price: 'cheap' }), row(3, { link: '' }), row(4)]);
    const { res, json } = await t.importText('shop', body, { format: 'csv' });
    expect(res.status).toBe(201);
    expect(json.counts).toMatchObject({ rows: 4, valid: 2, invalid: 2 });
    const byLine = Object.fromEntries(json.errors.map((e: any) => [e.line, e]));
    expect(byLine[3]).toMatchObject({ field: 'price' });
    expect(byLine[4]).toMatchObject({ field: 'link' });
    expect(await liveIds()).toEqual(['SKU-0001', 'SKU-0004']);

    const again = await t.admin(`/admin/catalogs/shop/imports/${json.id}`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).errors).toHaveLength(2);
  });
});

describe('modes', () => {
  it('replace makes the catalog exactly the upload; upsert adds and updates; delete removes', async () => {
    await t.importText('shop', csv([row(1), row(2), row(3), row(4)]), { format: 'csv' });
    const replace = await t.importText('shop', csv([row(1), row(2, { title: 'Changed' }), row(3), row(5)]), {
      format: 'csv',
    });
    expect(replace.json.changes).toMatchObject({ live_before: 4, added: 1, updated: 1, unchanged: 2, removed: 1 });
    expect(await liveIds()).toEqual(['SKU-0001', 'SKU-0002', 'SKU-0003', 'SKU-0005']);

    const upsert = await t.importText('shop', csv([row(6), row(1, { price: '99.00 EUR' })]), { format: 'csv', mode: 'upsert' });
    expect(upsert.json.changes).toMatchObject({ added: 1, updated: 1, removed: 0 });
    expect(await liveIds()).toEqual(['SKU-0001', 'SKU-0002', 'SKU-0003', 'SKU-0005', 'SKU-0006']);

    const del = await t.importText('shop', 'id\nSKU-0002\nSKU-0003\nSKU-9999\n', { format: 'csv', mode: 'delete' });
    expect(del.json.changes).toMatchObject({ removed: 2 });
    expect(await liveIds()).toEqual(['SKU-0001', 'SKU-0005', 'SKU-0006']);
  });

  it('holds a replace that would drop more than 30 % until confirmed', async () => {
    await t.importText('shop', csv(Array.from({ length: 10 }, (_, i) => row(i + 1))), { format: 'csv' });
    const truncated = await t.importText('shop', csv([row(1), row(2)]), { format: 'csv' });
    expect(truncated.res.status).toBe(202);
    expect(truncated.json.status).toBe('held');
    expect(truncated.json.message).toMatch(/80\.0 %/);
    expect(await liveIds()).toHaveLength(10);

    const confirm = await t.admin(`/admin/catalogs/shop/imports/${truncated.json.id}/confirm`, { method: 'POST' });
    expect(confirm.status).toBe(200);
    expect(((await confirm.json()) as any).status).toBe('published');
    expect(await liveIds()).toEqual(['SKU-0001', 'SKU-0002']);

    const confirmAgain = await t.admin(`/admin/catalogs/shop/imports/${truncated.json.id}/confirm`, { method: 'POST' });
    expect(confirmAgain.status).toBe(409);
  });

  it('?confirm=1 publishes a large drop at once; an empty replace of a live catalog is held', async () => {
    await t.importText('shop', csv([row(1), row(2), row(3)]), { format: 'csv' });
    const empty = await t.importText('shop', 'id,title,link,price\n', { format: 'csv' });
    expect(empty.json.status).toBe('held');
    const confirmed = await t.importText('shop', csv([row(9)]), { format: 'csv', confirm: true });
    expect(confirmed.json.status).toBe('published');
    expect(await liveIds()).toEqual(['SKU-0009']);
  });

  it('keeps price history across imports', async () => {
    await t.importText('shop', csv([row(1, { price: '20.00 EUR' })]), { format: 'csv' });
    await t.importText('shop', csv([row(1, { price: '20.00 EUR', title: 'same price' })]), { format: 'csv' });
    await t.importText('shop', csv([row(1, { price: '20.00 EUR', sale_price: '15.00 EUR' })]), { format: 'csv' });
    const res = await t.admin('/admin/catalogs/shop/products/SKU-0001');
    const body = (await res.json()) as any;
    expect(body.price_history.map((p: any) => [p.price, p.sale_price])).toEqual([
      [20, null],
      [20, 15],
    ]);
  });
});

describe('limits and errors', () => {
  it('413 with a clear message on an oversize body (declared and streamed)', async () => {
    const small = await makeTestApp({ maxUploadMb: 0.01 });
    try {
      await small.putCatalog('shop');
      const big = csv(Array.from({ length: 400 }, (_, i) => row(i)));
      const declared = await small.importText('shop', big, { format: 'csv' });
      expect(declared.res.status).toBe(413);
      expect(declared.json).toMatchObject({ error: 'payload_too_large' });
      expect(declared.json.message).toMatch(/MB limit/);

      const bytes = new TextEncoder().encode(big);
      const streamed = await small.admin('/admin/catalogs/shop/imports?format=csv', {
        method: 'POST',
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000));
            c.close();
          },
        }),
        // @ts-expect-error: Node's fetch needs duplex for a stream body
        duplex: 'half',
      });
      expect(streamed.status).toBe(413);
      const ids = (await (await small.admin('/admin/catalogs/shop/products')).json()) as any;
      expect(ids.items).toHaveLength(0);
    } finally {
      small.close();
    }
  });

  it('accepts a gzip-compressed upload', async () => {
    const gz = new Blob([csv([row(1), row(2)])]).stream().pipeThrough(new CompressionStream('gzip'));
    const res = await t.admin('/admin/catalogs/shop/imports?format=csv', {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: await new Response(gz).arrayBuffer(),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).counts.valid).toBe(2);
  });

  it('every admin route refuses without the token, with the JSON envelope', async () => {
    for (const [method, path] of [
      ['GET', '/admin/catalogs'],
      ['PUT', '/admin/catalogs/shop'],
      ['POST', '/admin/catalogs/shop/imports'],
      ['GET', '/admin/catalogs/shop/imports/1'],
      ['GET', '/admin/catalogs/shop/products'],
      ['GET', '/admin/catalogs/shop/feeds/google/diagnostics'],
      ['POST', '/admin/catalogs/shop/feeds/google/token'],
    ] as const) {
      const res = await t.app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
      const wrong = await t.app.request(path, { method, headers: { authorization: 'Bearer nope-nope-nope-nope' } });
      expect(wrong.status).toBe(401);
    }
  });

  it('validates catalog settings with reasons', async () => {
    const res = await t.admin('/admin/catalogs/new-shop', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', link: 'ftp://nope', currency: 'EURO', locale: 'nl-NL' }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as any;
    expect(body.error).toBe('invalid_settings');
    expect(body.details.map((d: any) => d.field).sort()).toEqual(['currency', 'link']);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
  });

  it('404 for an unknown catalog names it', async () => {
    const res = await t.admin('/admin/catalogs/nope/products');
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).message).toMatch(/nope/);
  });
});

describe('upload progress', () => {
  it('reports rows processed under the uploader’s id, and nothing for an unknown id', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => row(i));
    const res = await t.admin('/admin/catalogs/shop/imports', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-upload-id': 'upload-0123456789' },
      body: csv(rows),
    });
    expect(res.status).toBe(201);
    const progress = await t.admin('/admin/catalogs/shop/imports/progress/upload-0123456789');
    expect(progress.status).toBe(200);
    expect(await progress.json()).toEqual({ rows: 2500, done: true });
    expect((await t.admin('/admin/catalogs/shop/imports/progress/upload-unknown-1')).status).toBe(404);
    // the id is per catalog: another catalog cannot read it
    await t.putCatalog('other');
    expect((await t.admin('/admin/catalogs/other/imports/progress/upload-0123456789')).status).toBe(404);
  });
});
