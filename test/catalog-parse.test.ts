import { parse as csvParse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  ImportFileError,
  peekHead,
  readRecords,
  TooLargeError,
  type ImportFormat,
  type RawRecord,
} from '../src/catalog/parse';
import { CsvEngine } from '../src/catalog/parse/csv-engine';
import { countNewlines } from '../src/catalog/parse/bytes';
import { body } from './helpers/streams';

const MB = 1 << 20;


async function read(content: string | Uint8Array, format: ImportFormat, size?: number, maxBytes = 10 * MB): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of readRecords(body(content, size), format, { maxBytes })) out.push(record);
  return out;
}

async function failure(content: string | Uint8Array, format: ImportFormat, size?: number, maxBytes = 10 * MB): Promise<ImportFileError> {
  try {
    await read(content, format, size, maxBytes);
  } catch (err) {
    if (err instanceof ImportFileError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

function fields(records: RawRecord[]): Array<Record<string, unknown>> {
  return records.map((r) => ('fields' in r ? { ...r.fields } : { error: r.error }));
}

const lines = (records: RawRecord[]) => records.map((r) => r.line);

describe('detectFormat', () => {
  it('takes format= over Content-Type over sniffing', () => {
    expect(detectFormat('text/csv', 'xml', 'id,title')).toBe('xml');
    expect(detectFormat('text/csv', undefined, '<rss>')).toBe('csv');
    expect(detectFormat(undefined, 'jsonl', '')).toBe('ndjson');
    expect(detectFormat(undefined, 'excel', 'id')).toBeNull();
  });

  it('sniffs the first bytes', () => {
    expect(detectFormat(undefined, undefined, '  <?xml version="1.0"?><rss>')).toBe('xml');
    expect(detectFormat(undefined, undefined, '\n[{"id":1}]')).toBe('json');
    expect(detectFormat(undefined, undefined, '{"id":1}\n{"id":2}')).toBe('ndjson');
    expect(detectFormat(undefined, undefined, 'id\ttitle\n1\tx')).toBe('tsv');
    expect(detectFormat(undefined, undefined, '\ufeffid;title')).toBe('csv');
    expect(detectFormat('application/octet-stream', undefined, 'id,title')).toBe('csv');
    expect(detectFormat(undefined, undefined, '   ')).toBeNull();
  });

  it('lets application/json be an array or NDJSON', () => {
    expect(detectFormat('application/json; charset=utf-8', undefined, '[{"id":1}]')).toBe('json');
    expect(detectFormat('application/json', undefined, '{"id":1}\n')).toBe('ndjson');
  });

  it('peekHead returns the head and a stream that still starts at byte 0', async () => {
    const text = 'id,title\n' + 'x,y\n'.repeat(1000);
    const { head, body: rest } = await peekHead(body(text, 7), 64);
    expect(head.startsWith('id,title\nx,y')).toBe(true);
    expect(await new Response(rest).text()).toBe(text);
  });
});

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and newlines, numbering records by their first line', async () => {
    const csv = [
      'id,title,description',
      '1,"Shirt, blue","He said ""hi"""',
      '2,Plain,"two',
      'lines, and more"',
      '3,"x",""',
    ].join('\n');
    const records = await read(csv, 'csv');
    expect(fields(records)).toEqual([
      { id: '1', title: 'Shirt, blue', description: 'He said "hi"' },
      { id: '2', title: 'Plain', description: 'two\nlines, and more' },
      { id: '3', title: 'x', description: '' },
    ]);
    expect(lines(records)).toEqual([2, 3, 5]);
  });

  it('strips a UTF-8 BOM, reads CRLF, lone CR and LF mixed, and skips blank lines but counts them', async () => {
    const csv = '\ufeffid,title\r\n1,"a\r\nb"\r\n\r\n2,c\r3,d\n\n4,"é"\n';
    const records = await read(csv, 'csv');
    expect(fields(records)).toEqual([
      { id: '1', title: 'a\r\nb' },
      { id: '2', title: 'c' },
      { id: '3', title: 'd' },
      { id: '4', title: 'é' },
    ]);
    expect(lines(records)).toEqual([2, 5, 6, 8]);
  });

  it('detects `;` from the header line (European Excel)', async () => {
    const records = await read('id;title;price\n1;"Hose; lang";"1.299,00 €"\n', 'csv');
    expect(fields(records)).toEqual([{ id: '1', title: 'Hose; lang', price: '1.299,00 €' }]);
  });

  it('keeps `,` when a quoted header only mentions `;`', async () => {
    const records = await read('id,"price; incl. VAT"\n1,"2,50"\n', 'csv');
    expect(fields(records)).toEqual([{ id: '1', 'price; incl. VAT': '2,50' }]);
  });

  it('reports ragged rows with their line and carries on', async () => {
    const csv = 'id,title,price\n1,a,3\n2,b\n3,c,4,extra\n4,d,5,,\n5,e,6\n';
    const records = await read(csv, 'csv');
    expect(records).toEqual([
      { line: 2, fields: { id: '1', title: 'a', price: '3' } },
      { line: 3, error: expect.stringContaining('2 fields but the header has 3') },
      { line: 4, error: expect.stringContaining('4 fields but the header has 3') },
      // trailing empty cells are an Excel habit, not a broken row
      { line: 5, fields: { id: '4', title: 'd', price: '5' } },
      { line: 6, fields: { id: '5', title: 'e', price: '6' } },
    ]);
  });

  it('trims header names, names empty ones and suffixes repeats', async () => {
    const records = await read(' ID , Title ,,Title\n1,a,b,c\n', 'csv');
    expect(fields(records)).toEqual([{ ID: '1', Title: 'a', column_3: 'b', 'Title (2)': 'c' }]);
  });

  it('keeps a column called __proto__ as a plain key', async () => {
    const records = await read('id,__proto__\n1,{"polluted":true}\n', 'csv');
    const first = records[0]!;
    expect('fields' in first && Object.keys(first.fields)).toEqual(['id', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts `5" screen` in an unquoted field', async () => {
    expect(fields(await read('id,title\n1,5" screen\n', 'csv'))).toEqual([{ id: '1', title: '5" screen' }]);
  });

  it('refuses a quote that is never closed, at the line where its record starts', async () => {
    const err = await failure('id,title\n1,ok\n2,"never closed\nand on\n', 'csv');
    expect(err.line).toBe(3);
    expect(err.reason).toMatch(/never closed/);
  });

  it('refuses an empty file', async () => {
    expect((await failure('', 'csv')).reason).toMatch(/empty/);
  });

  it('gives the same records whatever the chunk size (property)', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', '"', '\n', '\r\n', ';', 'x', '€') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 1, max: 40 }),
        async (rows, eol, size) => {
          const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
          const csv = ['a,b,c', ...rows.map((r) => r.map(quote).join(','))].join(eol) + eol;
          const records = await read(csv, 'csv', size);
          const expected = rows.filter((r) => r.some((v) => v.trim() !== ''));
          expect(fields(records)).toEqual(expected.map(([a, b, c]) => ({ a, b, c })));
          // each record starts one line after the previous one ended
          let line = 2;
          const starts: number[] = [];
          for (const r of rows) {
            if (r.some((v) => v.trim() !== '')) starts.push(line);
            line += 1 + r.join('').split(/\r\n|\n|\r/).length - 1;
          }
          expect(lines(records)).toEqual(starts);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('CSV engine', () => {
  // The engine replaced csv-parse (options as the import used them): same records for any
  // text, chunked anyhow, and the line each record starts on.
  const reference = (text: string, quote: boolean) => {
    try {
      const rows = csvParse(text, {
        delimiter: ',',
        quote: quote ? '"' : false,
        record_delimiter: ['\r\n', '\n', '\r'],
        relax_column_count: true,
        relax_quotes: true,
        bom: false,
        skip_empty_lines: false,
      }) as string[][];
      let line = 1;
      return rows.map((fields) => {
        const record = { fields, line };
        line += 1 + fields.reduce((n, f) => n + countNewlines(f), 0);
        return record;
      });
    } catch (err) {
      return (err as { code?: string }).code ?? 'error';
    }
  };
  const engine = (text: string, size: number, quote: boolean) => {
    const e = new CsvEngine({ delimiter: ',', quote });
    const records = [];
    try {
      for (let i = 0; i < text.length; i += size) records.push(...e.write(text.slice(i, i + size)));
      records.push(...e.end());
    } catch (err) {
      return err instanceof ImportFileError && /never closed/.test(err.reason) ? 'CSV_QUOTE_NOT_CLOSED' : 'error';
    }
    return records;
  };

  it('reads what csv-parse reads, whatever the chunks (property)', () => {
    const unit = fc.constantFrom('a', 'b', ' ', ',', '"', '""', '\n', '\r', '\r\n', 'é', '😀');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), (text, size, quote) => {
        expect(engine(text, size, quote)).toEqual(reference(text, quote));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses an unclosed quote at the line its record starts on', () => {
    const e = new CsvEngine({ delimiter: ',', quote: true });
    expect(e.write('a\r\nb,"c\nd')).toEqual([{ fields: ['a'], line: 1 }]);
    expect(() => e.end()).toThrow(expect.objectContaining({ line: 2 }));
  });
});

describe('TSV', () => {
  it('splits on tabs and takes quotes literally, unwrapping a fully quoted field', async () => {
    const tsv = 'id\ttitle\tdescription\n1\t5" screen\t"He said ""hi"""\n2\t"x\t\n';
    expect(fields(await read(tsv, 'tsv'))).toEqual([
      { id: '1', title: '5" screen', description: 'He said "hi"' },
      { id: '2', title: '"x', description: '' },
    ]);
  });
});

describe('encodings', () => {
  const text = 'id,title\n1,Café ☕\n';

  it('decodes UTF-16 LE and BE with a BOM (Excel "Unicode text")', async () => {
    const le = new Uint8Array(2 + text.length * 2);
    const be = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    be.set([0xfe, 0xff]);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      le[2 + 2 * i] = c & 0xff;
      le[3 + 2 * i] = c >> 8;
      be[2 + 2 * i] = c >> 8;
      be[3 + 2 * i] = c & 0xff;
    }
    expect(fields(await read(le, 'csv', 3))).toEqual([{ id: '1', title: 'Café ☕' }]);
    expect(fields(await read(be, 'csv', 3))).toEqual([{ id: '1', title: 'Café ☕' }]);
  });

  it('keeps multi-byte characters split across chunks', async () => {
    expect(fields(await read(text, 'csv', 1))).toEqual([{ id: '1', title: 'Café ☕' }]);
  });

  it('reads an XML file in the encoding its declaration names', async () => {
    const head = new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss><channel><item><title>Caf');
    const tail = new TextEncoder().encode('</title></item></channel></rss>');
    const latin1 = new Uint8Array([...head, 0xe9, ...tail]);
    expect(fields(await read(latin1, 'xml', 5))).toEqual([{ title: 'Café' }]);
    const unknown = new TextEncoder().encode('<?xml version="1.0" encoding="x-klingon"?><rss/>');
    expect((await failure(unknown, 'xml')).reason).toMatch(/x-klingon/);
  });

  it('refuses bytes that are not UTF-8 (a Latin-1 file), with the line', async () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('id,title\n1,ok\n2,Caf'), 0xe9, 0x0a]);
    const err = await failure(latin1, 'csv');
    expect(err.reason).toMatch(/not valid UTF-8/);
    expect(err.line).toBe(3);
  });
});

describe('byte cap', () => {
  it('throws TooLargeError as soon as the cap is passed, and stops reading', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('x,y\n'.repeat(1000)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const records = readRecords(endless, 'csv', { maxBytes: 100_000 });
    const err = await (async () => {
      try {
        for await (const _ of records) void _;
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as TooLargeError).maxBytes).toBe(100_000);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(30);
  });

  it('lets a body of exactly maxBytes through', async () => {
    const csv = 'id\n1\n';
    expect(await read(csv, 'csv', undefined, csv.length)).toHaveLength(1);
    await expect(read(csv, 'csv', undefined, csv.length - 1)).rejects.toBeInstanceOf(TooLargeError);
  });
});

describe('JSON array', () => {
  const json = `[
  {"id": "a", "title": "Quote \\" and ] and } and [ inside", "tags": ["x", {"y": 1}]},
  {"id": "b",
   "title": "two lines"},
  42,
  {"id": "c", "__proto__": {"polluted": true}},
  {"id": "d", "constructor": {"prototype": {}}},
  {"id": "e", "title": "\\u00e9t\\u00e9 \\\\"}
]`;

  it('streams elements out, whatever the chunk boundaries (here 1 byte)', async () => {
    for (const size of [1, 2, 7, 1 << 16]) {
      const records = await read(json, 'json', size);
      expect(records).toEqual([
        { line: 2, fields: { id: 'a', title: 'Quote " and ] and } and [ inside', tags: ['x', { y: 1 }] } },
        { line: 3, fields: { id: 'b', title: 'two lines' } },
        { line: 5, error: 'expected a JSON object, got number' },
        { line: 6, error: 'forbidden key __proto__' },
        { line: 7, error: 'forbidden key constructor' },
        { line: 8, fields: { id: 'e', title: 'été \\' } },
      ]);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses nesting deeper than 32 levels per element and carries on', async () => {
    const deep = `{"id":"x","a":${'['.repeat(40)}${']'.repeat(40)}}`;
    const records = await read(`[${deep},\n{"id":"ok"}]`, 'json', 5);
    expect(records).toEqual([
      { line: 1, error: 'nested deeper than 32 levels' },
      { line: 2, fields: { id: 'ok' } },
    ]);
  });

  it('refuses a hostile depth without overflowing the stack', async () => {
    const records = await read(`[${'['.repeat(100_000)}${']'.repeat(100_000)}]`, 'json');
    expect(records).toEqual([{ line: 1, error: 'nested deeper than 32 levels' }]);
  });

  it('reports an element that is not valid JSON as a record error', async () => {
    const records = await read('[{"id": 1, oops}, {"id": 2}]', 'json');
    expect(records[0]).toEqual({ line: 1, error: expect.stringMatching(/^invalid JSON/) });
    expect(records[1]).toEqual({ line: 1, fields: { id: 2 } });
  });

  it('accepts an empty array and a trailing comma', async () => {
    expect(await read(' [ ] ', 'json')).toEqual([]);
    expect(fields(await read('[{"id":1},]', 'json'))).toEqual([{ id: 1 }]);
  });

  it('refuses what is not a JSON array, a truncated array and text after it', async () => {
    expect((await failure('id,title\n1,x', 'json')).reason).toMatch(/not JSON/);
    expect((await failure('[{"id":1},{"id":2', 'json')).reason).toMatch(/not closed/);
    expect((await failure('[{"id":1}] trailing', 'json')).reason).toMatch(/after the closing/);
    expect((await failure('[{"id":1} {"id":2}]', 'json')).reason).toMatch(/expected "," or "]"/);
  });

  it('reads one object per line when a .json file is really NDJSON', async () => {
    const records = await read('\n{"id":"a"}\n{"id":"b"}\n', 'json', 3);
    expect(records).toEqual([
      { line: 2, fields: { id: 'a' } },
      { line: 3, fields: { id: 'b' } },
    ]);
  });
});

describe('NDJSON', () => {
  it('reports a bad line and goes on with the next', async () => {
    const ndjson = '{"id":"a"}\r\n{"id": broken\n\n["not","an","object"]\r{"id":"b","__proto__":{}}\n{"id":"c"}';
    for (const size of [1, 3, 1 << 16]) {
      expect(await read(ndjson, 'ndjson', size)).toEqual([
        { line: 1, fields: { id: 'a' } },
        { line: 2, error: expect.stringMatching(/^invalid JSON/) },
        { line: 4, error: 'expected a JSON object, got an array' },
        { line: 5, error: 'forbidden key __proto__' },
        { line: 6, fields: { id: 'c' } },
      ]);
    }
  });
});

describe('XML', () => {
  const rss = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a feed <item> in a comment is not an item -->
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
<channel>
<title>Shop &amp; Co</title>
<item>
  <g:id>00012345678905</g:id>
  <title><![CDATA[Tom & Jerry </item> <b>tag</b>]]></title>
  <description>Caf&#233; &amp; th&#xE9; &lt;b&gt; ]]&gt; end, and <![CDATA[a ]]]]><![CDATA[> b]]></description>
  <link>https://shop.example/p/1?a=1&amp;b=2</link>
  <g:price>15.00 EUR</g:price>
  <g:gtin>00012345678905</g:gtin>
  <g:additional_image_link>https://shop.example/1.jpg</g:additional_image_link>
  <g:additional_image_link>https://shop.example/2.jpg</g:additional_image_link>
  <g:shipping>
    <g:country>UK</g:country>
    <g:service>Standard</g:service>
    <g:price>4.95 GBP</g:price>
  </g:shipping>
  <g:sale_price/>
</item>
<item><id>ignored-atom-id</id><g:id>2</g:id><title>Second</title></item>
</channel>
</rss>
`;

  it('reads RSS items with CDATA, entities, repeated and nested elements, keeping leading zeros', async () => {
    for (const size of [1, 5, 1 << 16]) {
      const records = await read(rss, 'xml', size);
      expect(records).toEqual([
        {
          line: 6,
          fields: {
            id: '00012345678905',
            title: 'Tom & Jerry </item> <b>tag</b>',
            description: 'Café & thé <b> ]]> end, and a ]]> b',
            link: 'https://shop.example/p/1?a=1&b=2',
            price: '15.00 EUR',
            gtin: '00012345678905',
            additional_image_link: ['https://shop.example/1.jpg', 'https://shop.example/2.jpg'],
            shipping: [{ country: 'UK', service: 'Standard', price: '4.95 GBP' }],
            sale_price: '',
          },
        },
        // the g: element wins over the plain one of the same name
        { line: 22, fields: { id: '2', title: 'Second' } },
      ]);
    }
  });

  it('reads Atom entries, taking the alternate link href', async () => {
    const atom = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
  <title>Shop</title>
  <link rel="self" href="https://shop.example/feed.xml"/>
  <entry>
    <g:id>A1</g:id>
    <title type="text">Lamp</title>
    <link rel="self" href="https://shop.example/api/a1"/>
    <link rel="alternate" href="https://shop.example/lamp"/>
    <summary>Bright</summary>
  </entry>
</feed>`;
    expect(await read(atom, 'xml', 3)).toEqual([
      { line: 5, fields: { id: 'A1', title: 'Lamp', link: 'https://shop.example/lamp', summary: 'Bright' } },
    ]);
  });

  it('refuses a DOCTYPE, and with it the billion laughs', async () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><item><title>&lol3;</title></item></channel></rss>`;
    const err = await failure(laughs, 'xml', 4);
    expect(err.reason).toMatch(/DOCTYPE/);
    expect(err.line).toBe(2);
  });

  it('refuses an ENTITY declaration anywhere, also inside an item', async () => {
    const err = await failure('<rss><channel><item>\n<!ENTITY x "y"><title>a</title></item></channel></rss>', 'xml');
    expect(err.reason).toMatch(/ENTITY/);
    expect(err.line).toBe(2);
  });

  it('refuses malformed XML with the line of the problem', async () => {
    const err = await failure('<rss><channel>\n<item>\n<title>a</titel>\n</item></channel></rss>', 'xml');
    expect(err.reason).toMatch(/malformed XML/);
    expect(err.line).toBe(3);
  });

  it('refuses a truncated feed, so a replace import does not shrink the catalog', async () => {
    expect((await failure('<rss><channel><item><g:id>1</g:id></item>', 'xml')).reason).toMatch(/ends before <\/rss>/);
    expect((await failure('<rss><channel><item><g:id>1</g:id>', 'xml')).reason).toMatch(/never closed/);
  });

  it('refuses XML that is not a product feed', async () => {
    expect((await failure('<html><body/></html>', 'xml')).reason).toMatch(/no <item> or <entry>/);
  });

  it('accepts an empty feed', async () => {
    expect(await read('<rss><channel><title>x</title></channel></rss>', 'xml')).toEqual([]);
  });

  it('refuses an item with an element named __proto__ as a record', async () => {
    const records = await read('<rss><channel><item><__proto__><a>1</a></__proto__></item><item><g:id>2</g:id></item></channel></rss>', 'xml');
    expect(records[0]).toEqual({ line: 1, error: expect.stringMatching(/refused/) });
    expect(records[1]).toEqual({ line: 1, fields: { id: '2' } });
  });
});

describe('a large file', () => {
  it('streams 20,000 CSV rows in small chunks with exact lines', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},"Title ${i}${i % 1000 === 0 ? '\nsecond line' : ''}"`);
    const records = await read(`id,title\n${rows.join('\n')}\n`, 'csv', 4096);
    expect(records).toHaveLength(20_000);
    // every 1000th title spans two lines, so later rows shift by one line each time
    expect(records[1000]!.line).toBe(2 + 1000 + 1);
    expect(records[19_999]!.line).toBe(2 + 19_999 + 20);
  });
});
