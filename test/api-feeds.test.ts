import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
});
afterEach(() => t.close());

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: false, isArray: (name) => name === 'item' });

function items(xml: string): Array<Record<string, unknown>> {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml);
  return doc.rss.channel.item ?? [];
}

describe('google feed', () => {
  it('has every required g: field on every item', async () => {
    await t.importText(
      'shop',
      csv([row(1), row(2, { gtin: '4006381333931', mpn: '' }), row(3, { availability: 'out of stock' })]),
      { format: 'csv' },
    );
    const res = await t.app.request('/feeds/shop/google.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const list = items(await res.text());
    expect(list).toHaveLength(3);
    for (const item of list) {
      for (const field of ['g:id', 'g:availability', 'g:price', 'g:condition', 'g:image_link', 'g:brand']) {
        expect(item[field], field).toBeTruthy();
      }
      expect(item['title'] ?? item['g:title']).toBeTruthy();
      expect(item['link'] ?? item['g:link']).toBeTruthy();
      expect(String(item['g:price'])).toMatch(/^\d+\.\d{2} EUR$/);
    }
    expect(list.map((i) => i['g:availability'])).toEqual(['in_stock', 'in_stock', 'out_of_stock']);
  });

  it('stays well-formed with control characters and ]]> in a title', async () => {
    await t.importText(
      'shop',
      JSON.stringify([row(1, { title: 'Bad \u0001\u0008 bytes ]]> <b>&amp;</b> \uFFFE end' })]),
      { format: 'json' },
    );
    const xml = await (await t.app.request('/feeds/shop/google.xml')).text();
    const [item] = items(xml);
    expect(String(item!['title'] ?? item!['g:title'])).toContain(']]>');
    expect(xml).not.toMatch(/[\u0001\u0008\uFFFE]/);
  });

  it('leaves a parent with variants out and lists it in diagnostics', async () => {
    await t.importText(
      'shop',
      csv([
        row(1, { id: 'TEE' }),
        row(2, { id: 'TEE-S', item_group_id: 'TEE', size: 'S', color: 'Navy' }),
        row(3, { id: 'TEE-M', item_group_id: 'TEE', size: 'M', color: 'Navy' }),
        row(4, { image_link: '' }),
      ]),
      { format: 'csv' },
    );
    const list = items(await (await t.app.request('/feeds/shop/google.xml')).text());
    expect(list.map((i) => i['g:id'])).toEqual(['TEE-M', 'TEE-S']);
    expect(list.every((i) => i['g:item_group_id'] === 'TEE')).toBe(true);

    const diag = (await (await t.admin('/admin/catalogs/shop/feeds/google/diagnostics')).json()) as any;
    const text = JSON.stringify(diag);
    expect(text).toContain('parent_with_variants');
    expect(text).toContain('TEE');
    expect(text).toContain('SKU-0004');
    expect(text).toContain('missing_image_link');
  });
});

describe('meta and tiktok feeds', () => {
  it('Meta CSV round-trips quotes, commas, newlines and non-Latin text', async () => {
    const tricky = ['He said "hi", then left', 'semi; colon, comma', '日本語のタイトル', 'Ελληνικά 🎉'];
    await t.importText(
      'shop',
      JSON.stringify(tricky.map((title, i) => row(i + 1, { title, description: `${title}\nsecond line, "quoted"` }))),
      { format: 'json' },
    );
    const text = await (await t.app.request('/feeds/shop/meta.csv')).text();
    const records = parseCsv(text, { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
    expect(records.map((r) => r.title)).toEqual(tricky);
    expect(records.map((r) => r.description)).toEqual(tricky.map((s) => `${s}\nsecond line, "quoted"`));
    expect(records.every((r) => r.availability === 'in stock')).toBe(true);
  });

  it('TikTok CSV uses sku_id', async () => {
    await t.importText('shop', csv([row(1)]), { format: 'csv' });
    const text = await (await t.app.request('/feeds/shop/tiktok.csv')).text();
    const [header] = text.split(/\r?\n/);
    expect(header).toContain('sku_id');
    expect(text).toContain('in stock');
  });

  it('404 with a reason for an unknown feed or a format the channel cannot write', async () => {
    const unknown = await t.app.request('/feeds/shop/nope.xml');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).message).toMatch(/google/);
    const wrong = await t.app.request('/feeds/shop/tiktok.xml');
    expect(wrong.status).toBe(404);
  });
});

describe('caching and compression', () => {
  it('304 on If-None-Match, new ETag after an import, HEAD without body', async () => {
    await t.importText('shop', csv([row(1)]), { format: 'csv' });
    const first = await t.app.request('/feeds/shop/google.xml');
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    expect(first.headers.get('last-modified')).toBeTruthy();
    await first.text();

    const again = await t.app.request('/feeds/shop/google.xml', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const head = await t.app.request('/feeds/shop/google.xml', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);

    await t.importText('shop', csv([row(1), row(2)]), { format: 'csv' });
    const changed = await t.app.request('/feeds/shop/google.xml', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('serves gzip and brotli by Accept-Encoding with the same content', async () => {
    await t.importText('shop', csv(Array.from({ length: 50 }, (_, i) => row(i))), { format: 'csv' });
    const plain = await (await t.app.request('/feeds/shop/google.xml')).text();
    const gz = await t.app.request('/feeds/shop/google.xml', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(plain);
    const br = await t.app.request('/feeds/shop/google.xml', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(plain);
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
  });
});

describe('feed file cache', () => {
  it('serves a repeat poll of the same version from the cache, per encoding, and regenerates after an import', async () => {
    await t.importText('shop', csv(Array.from({ length: 20 }, (_, i) => row(i))), { format: 'csv' });
    const first = await t.app.request('/feeds/shop/google.xml');
    expect(first.headers.get('x-cache')).toBe('miss');
    const body = await first.text();
    const second = await t.app.request('/feeds/shop/google.xml');
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await second.text()).toBe(body);

    const gz = await t.app.request('/feeds/shop/google.xml', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('x-cache')).toBe('miss');
    await gz.arrayBuffer();
    const gz2 = await t.app.request('/feeds/shop/google.xml', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz2.headers.get('x-cache')).toBe('hit');
    expect(gunzipSync(Buffer.from(await gz2.arrayBuffer())).toString()).toBe(body);

    await t.importText('shop', csv([row(1)]), { format: 'csv', confirm: true });
    const fresh = await t.app.request('/feeds/shop/google.xml');
    expect(fresh.headers.get('x-cache')).toBe('miss');
    expect(items(await fresh.text())).toHaveLength(1);
  });

  it('a client that disconnects mid-feed leaves no cache entry', async () => {
    await t.importText('shop', csv(Array.from({ length: 3000 }, (_, i) => row(i))), { format: 'csv' });
    const res = await t.app.request('/feeds/shop/google.xml');
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    const next = await t.app.request('/feeds/shop/google.xml');
    expect(next.headers.get('x-cache')).toBe('miss');
    expect(items(await next.text())).toHaveLength(3000);
  });
});

describe('protected feeds', () => {
  it('needs the token as ?token= or Basic auth once issued', async () => {
    await t.importText('shop', csv([row(1)]), { format: 'csv' });
    const issued = (await (await t.admin('/admin/catalogs/shop/feeds/meta/token', { method: 'POST' })).json()) as any;
    expect(issued.token).toBeTruthy();
    expect((await t.app.request('/feeds/shop/meta.csv')).status).toBe(401);
    expect((await t.app.request('/feeds/shop/meta.csv?token=wrong')).status).toBe(401);
    expect((await t.app.request(`/feeds/shop/meta.csv?token=${issued.token}`)).status).toBe(200);
    const basic = btoa(`shop:${issued.token}`);
    expect((await t.app.request('/feeds/shop/meta.csv', { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
    // tokens are per feed: the google feed stays public
    expect((await t.app.request('/feeds/shop/google.xml')).status).toBe(200);
  });
});

describe('consistency', () => {
  it('a feed streaming during a replace import sees only the catalog it started with', async () => {
    const n = 3000; // several store pages
    await t.importText('shop', csv(Array.from({ length: n }, (_, i) => row(i, { title: `old ${i}` }))), {
      format: 'csv',
    });
    const res = await t.app.request('/feeds/shop/google.xml');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let xml = decoder.decode((await reader.read()).value, { stream: true });

    // The replace lands while the feed above is mid-stream.
    const replaced = await t.importText(
      'shop',
      csv(Array.from({ length: n }, (_, i) => row(i + 100, { title: `new ${i}` }))),
      { format: 'csv', confirm: true },
    );
    expect(replaced.json.status).toBe('published');

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      xml += decoder.decode(value, { stream: true });
    }
    const titles = items(xml).map((i) => String(i['title'] ?? i['g:title']));
    expect(titles).toHaveLength(n);
    expect(titles.every((s) => s.startsWith('old '))).toBe(true);

    const after = items(await (await t.app.request('/feeds/shop/google.xml')).text());
    expect(after.every((i) => String(i['title'] ?? i['g:title']).startsWith('new '))).toBe(true);
  });
});
