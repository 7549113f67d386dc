import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, escapeXml, tsvField } from '../src/feeds/escape';
import { truncateAtWord } from '../src/feeds/fields';
import { anyText } from './helpers/products';

/** Characters XML 1.0 forbids, for asserting none survive. */
const STRIPPED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;

describe('escapeXml', () => {
  it('returns the same string when nothing needs escaping', () => {
    const plain = 'Organic Cotton T-Shirt 日本語 Ελληνικά 😀 "quoted" it\'s';
    expect(escapeXml(plain)).toBe(plain);
  });

  it('escapes markup, including ]]> (no CDATA)', () => {
    expect(escapeXml('a & b < c > d ]]> e')).toBe('a &amp; b &lt; c &gt; d ]]&gt; e');
  });

  it('removes characters outside XML 1.0 and keeps tab, LF, CR and astral characters', () => {
    const input = `a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi\uD800j\uDC00k\t\n\r😀`;
    expect(escapeXml(input)).toBe('abcdefghijk\t\n\r😀');
  });

  it('drops a high surrogate at the end and a low one at the start', () => {
    expect(escapeXml('\uDC00x\uD83D')).toBe('x');
  });

  it('gives well-formed XML for any string', () => {
    const parser = new XMLParser({ parseTagValue: false, trimValues: false });
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeXml(text);
        expect(FORBIDDEN.test(escaped)).toBe(false);
        const doc = `<?xml version="1.0" encoding="UTF-8"?><r>${escaped}</r>`;
        expect(XMLValidator.validate(doc)).toBe(true);
        parser.parse(doc);
      }),
      { numRuns: 500 },
    );
  });
});

describe('csvField', () => {
  it('leaves plain values alone', () => {
    const plain = 'Organic Cotton T-Shirt; 日本語 😀';
    expect(csvField(plain)).toBe(plain);
  });

  it('quotes per RFC 4180', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('strips control characters and lone surrogates', () => {
    expect(csvField('a\u0000b\uD800c')).toBe('abc');
    expect(csvField('a\u0001,b')).toBe('"a,b"');
  });

  it('round-trips any string through csv-parse', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 5 }), (cells) => {
        const line = `${cells.map(csvField).join(',')},end\n`;
        const rows = parse(line, { relax_quotes: false }) as string[][];
        expect(rows).toHaveLength(1);
        expect(rows[0]).toEqual([...cells.map((c) => c.replace(STRIPPED, '')), 'end']);
      }),
      { numRuns: 500 },
    );
  });
});

describe('tsvField', () => {
  it('replaces tabs and line breaks with one space each', () => {
    expect(tsvField('a\tb\nc\r\nd\re')).toBe('a b c d e');
  });

  it('leaves plain values, quotes and commas alone', () => {
    const plain = 'He said "yes", then left';
    expect(tsvField(plain)).toBe(plain);
  });
});

describe('truncateAtWord', () => {
  it('cuts at the last word boundary within the limit', () => {
    expect(truncateAtWord('The quick brown fox jumps', 12)).toBe('The quick');
    expect(truncateAtWord('The quick brown fox', 9)).toBe('The quick');
  });

  it('drops a trailing separator', () => {
    expect(truncateAtWord('Shirt - Blue, Large', 14)).toBe('Shirt - Blue');
  });

  it('cuts hard when there is no usable boundary, never inside a surrogate pair', () => {
    expect(truncateAtWord('日本語のテキストです', 5)).toBe('日本語のテ');
    const emoji = '😀'.repeat(10);
    expect(truncateAtWord(emoji, 3)).toBe('😀😀😀');
  });

  it('returns short values unchanged', () => {
    expect(truncateAtWord('short', 10)).toBe('short');
  });
});
