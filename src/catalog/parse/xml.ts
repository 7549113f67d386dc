/**
 * Google Merchant RSS 2.0 (`<rss><channel><item>`) and Atom (`<feed><entry>`) feeds,
 * one item at a time.
 *
 * A scanner cuts the text into `<item>…</item>` pieces, skipping CDATA sections and
 * comments (a description may well contain the text `</item>`), and each piece is checked
 * and parsed by fast-xml-parser on its own, so memory follows the largest item rather than
 * the file. Any `<!DOCTYPE`, `<!ENTITY` or other declaration is refused outright: product
 * feeds never need one, and they are what entity-expansion ("billion laughs") and external
 * entity attacks are made of. Line endings are normalised to `\n` first, as XML 1.0 §2.11
 * says a parser must, which also keeps line counting exact.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeEntities } from './entities';
import { ImportFileError } from './errors';
import { emptyFields, type RawRecord } from './types';

const ITEM_NAMES = new Set(['item', 'entry']);
const FEED_ROOTS = new Set(['rss', 'feed', 'rdf:RDF', 'RDF']);
/** Elements a product may repeat; every other one takes its first value. */
const REPEATABLE = new Set(['additional_image_link', 'shipping', 'product_detail', 'product_highlight', 'lifestyle_image_link']);
/** Google attributes made of sub-elements. */
const NESTED = new Set(['shipping', 'tax', 'installment', 'subscription_cost', 'loyalty_points', 'product_detail', 'certification']);

// Namespace prefixes are stripped by hand, not with removeNSPrefix, so that when an item
// has both (Atom `<id>` and `<g:id>`) the Google one wins instead of both merging into one.
const parser = new XMLParser({
  parseTagValue: false, // `00012345678905` stays a string with its zeros
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: true,
  // Our own decoder for `&amp;`, `&#233;`, `&eacute;`…: the built-in one (htmlEntities)
  // rebuilds its entity tables on every parse() call, which made up half the time of
  // parsing an item. DOCTYPE is refused before parsing, so no entity can be declared.
  entityDecoder: {
    decode: decodeEntities,
    reset() {},
    setXmlVersion() {},
    setExternalEntities() {},
    addInputEntities() {
      throw new Error('entity declarations are not accepted');
    },
  },
  removeNSPrefix: false,
  // untrimmed, so `T &amp; <![CDATA[a]]>` keeps its space; values are trimmed later
  trimValues: false,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

export async function* readXml(text: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  const scanner = new ItemScanner();
  for await (const chunk of normaliseNewlines(text)) {
    yield* scanner.push(chunk);
  }
  yield* scanner.finish();
}

/** `\r\n` and lone `\r` become `\n`, also when a chunk ends between `\r` and `\n`. */
async function* normaliseNewlines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let dropLf = false;
  for await (let chunk of text) {
    if (dropLf && chunk.charCodeAt(0) === 10) chunk = chunk.slice(1);
    dropLf = chunk.charCodeAt(chunk.length - 1) === 13;
    if (chunk.includes('\r')) chunk = chunk.replace(/\r\n?/g, '\n');
    if (chunk.length > 0) yield chunk;
  }
}

const TAG_NAME = /<(\/?)([^\s/>]+)/y;

class ItemScanner {
  private buf = '';
  private pos = 0;
  /** line number of buf[countedTo] */
  private line = 1;
  private countedTo = 0;
  private root: string | null = null;
  private rootClosed = false;
  private itemName: string | null = null;
  private itemDepth = 0;
  private itemStart = 0;
  private itemLine = 0;
  private itemCount = 0;

  *push(chunk: string): Generator<RawRecord> {
    this.buf += chunk;
    yield* this.scan(false);
    this.compact();
  }

  *finish(): Generator<RawRecord> {
    yield* this.scan(true);
    if (this.itemDepth > 0) {
      throw new ImportFileError(`<${this.itemName}> is never closed: the file ends inside it (truncated upload?)`, this.itemLine);
    }
    if (this.root === null) throw new ImportFileError('not XML: no element found');
    if (!FEED_ROOTS.has(this.root) && this.itemCount === 0) {
      throw new ImportFileError(`no <item> or <entry> elements in <${this.root}>: expected a Google Merchant RSS 2.0 or Atom feed`);
    }
    if (!this.rootClosed) {
      throw new ImportFileError(`the file ends before </${this.root}> (truncated upload?)`, this.lineAt(this.buf.length));
    }
  }

  private *scan(eof: boolean): Generator<RawRecord> {
    const buf = this.buf;
    for (;;) {
      const lt = buf.indexOf('<', this.pos);
      if (lt === -1) {
        this.pos = buf.length;
        return;
      }
      // `<![CDATA[` is the longest opener we must recognise before deciding.
      if (!eof && buf.length - lt < 9) {
        this.pos = lt;
        return;
      }
      let end: number;
      if (buf.startsWith('<!--', lt)) {
        end = this.closeOf(lt, '-->', eof, 'comment');
      } else if (buf.startsWith('<![CDATA[', lt)) {
        end = this.closeOf(lt, ']]>', eof, 'CDATA section');
      } else if (buf.startsWith('<!', lt)) {
        const what = /^<!([A-Za-z]*)/.exec(buf.slice(lt, lt + 12))?.[1]?.toUpperCase() || 'declaration';
        throw new ImportFileError(
          `<!${what}> is not accepted: DOCTYPE and ENTITY declarations are refused (entity expansion attacks)`,
          this.lineAt(lt),
        );
      } else if (buf.startsWith('<?', lt)) {
        end = this.closeOf(lt, '?>', eof, 'processing instruction');
      } else {
        end = findTagEnd(buf, lt);
        if (end === -1) {
          if (eof) throw new ImportFileError('the file ends inside a tag', this.lineAt(lt));
        } else {
          const record = this.onTag(lt, end);
          if (record) yield record;
        }
      }
      if (end === -1) {
        this.pos = lt; // wait for more text
        return;
      }
      this.pos = end + 1;
    }
  }

  /** Index of the last character of the construct opened at `lt`, or -1 to wait for more. */
  private closeOf(lt: number, closer: string, eof: boolean, what: string): number {
    const at = this.buf.indexOf(closer, lt + 2);
    if (at !== -1) return at + closer.length - 1;
    if (eof) throw new ImportFileError(`a ${what} is never closed`, this.lineAt(lt));
    return -1;
  }

  private onTag(lt: number, end: number): RawRecord | null {
    TAG_NAME.lastIndex = lt;
    const match = TAG_NAME.exec(this.buf);
    if (!match) throw new ImportFileError('malformed tag', this.lineAt(lt));
    const closing = match[1] === '/';
    const name = match[2]!;
    const selfClosing = !closing && this.buf.charCodeAt(end - 1) === 47; // `/>`

    if (this.root === null) {
      if (closing) throw new ImportFileError(`unexpected </${name}>`, this.lineAt(lt));
      this.root = name;
      if (selfClosing) this.rootClosed = true;
      return null;
    }
    if (this.itemDepth > 0) {
      if (name === this.itemName) {
        if (closing) this.itemDepth--;
        else if (!selfClosing) this.itemDepth++;
        if (this.itemDepth === 0) {
          this.itemCount++;
          return parseItem(this.buf.slice(this.itemStart, end + 1), this.itemName, this.itemLine);
        }
      }
      return null;
    }
    if (this.rootClosed) throw new ImportFileError(`<${name}> after the end of <${this.root}>`, this.lineAt(lt));
    if (closing) {
      if (name === this.root) this.rootClosed = true;
      return null;
    }
    if (ITEM_NAMES.has(localName(name))) {
      if (selfClosing) {
        this.itemCount++;
        return { line: this.lineAt(lt), fields: emptyFields() };
      }
      this.itemName = name;
      this.itemDepth = 1;
      this.itemStart = lt;
      this.itemLine = this.lineAt(lt);
    }
    return null;
  }

  /** Drops text already scanned, keeping the item in progress. */
  private compact(): void {
    const keep = this.itemDepth > 0 ? this.itemStart : this.pos;
    if (keep < 65536) return;
    this.lineAt(keep);
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    this.itemStart -= keep;
    this.countedTo -= keep;
  }

  private lineAt(index: number): number {
    const buf = this.buf;
    if (index >= this.countedTo) {
      for (let i = buf.indexOf('\n', this.countedTo); i !== -1 && i < index; i = buf.indexOf('\n', i + 1)) this.line++;
    } else {
      for (let i = buf.indexOf('\n', index); i !== -1 && i < this.countedTo; i = buf.indexOf('\n', i + 1)) this.line--;
    }
    this.countedTo = index;
    return this.line;
  }
}

/** End of a start or end tag, skipping `>` inside quoted attribute values. */
function findTagEnd(buf: string, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function parseItem(xml: string, itemName: string, line: number): RawRecord {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ImportFileError(`malformed XML: ${valid.err.msg}`, line + Math.max(0, valid.err.line - 1));
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    // fast-xml-parser refuses element names such as __proto__ (prototype pollution).
    return { line, error: `item refused: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200) };
  }
  const list = parsed[itemName];
  const item = Array.isArray(list) ? list[0] : list;
  return { line, fields: itemFields(item) };
}

/** Element values: strings, string[] for repeatable elements, objects for nested ones (g:shipping). */
function itemFields(item: unknown): Record<string, unknown> {
  // A plain object is safe here: fast-xml-parser refuses __proto__ and constructor as names.
  const fields: Record<string, unknown> = {};
  if (item === null || typeof item !== 'object') return fields;
  let fromGoogle: Set<string> | null = null;
  for (const name of Object.keys(item)) {
    if (name.charCodeAt(0) === 64 /* @ */ || name === '#text') continue;
    const value = (item as Record<string, unknown>)[name];
    const key = localName(name);
    const prefixed = key !== name;
    if (!prefixed && fromGoogle?.has(key)) continue; // `g:x` already won over `x`
    const values = Array.isArray(value) ? value : [value];
    if (key === 'link') fields[key] = preferredLink(values);
    else if (REPEATABLE.has(key)) fields[key] = values.map((v) => elementValue(key, v));
    else fields[key] = firstValue(key, values);
    if (prefixed) (fromGoogle ??= new Set()).add(key);
  }
  return fields;
}

/** A repeated element where one value is expected: the first non-empty one. */
function firstValue(key: string, values: unknown[]): string | Record<string, string> {
  let first: string | Record<string, string> = '';
  for (let i = 0; i < values.length; i++) {
    const v = elementValue(key, values[i]);
    if (v !== '') return v;
    if (i === 0) first = v;
  }
  return first;
}

/**
 * Text of an element. The few Google attributes made of sub-elements (g:shipping with
 * g:country, g:price…) become flat objects; anywhere else child elements are unescaped
 * HTML inside a text (`<description><p>…`) and only their text is kept.
 */
function elementValue(key: string, value: unknown): string | Record<string, string> {
  if (typeof value === 'string') return value;
  if (!NESTED.has(key) || value === null || typeof value !== 'object') return textOf(value);
  const out = Object.create(null) as Record<string, string>;
  for (const [child, v] of Object.entries(value as Record<string, unknown>)) {
    if (child.startsWith('@_') || child === '#text') continue;
    out[localName(child)] = textOf(Array.isArray(v) ? v[0] : v).trim();
  }
  return out;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  if (value === null || typeof value !== 'object') return value === undefined ? '' : String(value);
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof obj['#text'] === 'string') parts.push(obj['#text']);
  for (const [k, v] of Object.entries(obj)) if (!k.startsWith('@_') && k !== '#text') parts.push(textOf(v));
  return parts.join(' ');
}

/** RSS `<link>` has text; Atom `<link href rel>` an attribute, maybe several: take rel="alternate". */
function preferredLink(links: unknown[]): string {
  let fallback = '';
  for (const link of links) {
    if (typeof link === 'string') {
      if (link.trim() !== '') return link;
      continue;
    }
    if (link === null || typeof link !== 'object') continue;
    const { '@_href': href, '@_rel': rel } = link as Record<string, unknown>;
    if (typeof href === 'string') {
      if (rel === undefined || rel === 'alternate') return href;
      fallback ||= href;
    } else fallback ||= textOf(link);
  }
  return fallback;
}
