/**
 * Escaping for every value a feed writes. These run on every field of every product (tens of
 * millions of calls for a large catalog), so each function first runs one non-global regex
 * test, and only the rare value that needs work pays for a replace.
 *
 * All three also drop characters that XML 1.0 does not allow (C0 controls other than tab, LF
 * and CR; U+FFFE and U+FFFF; lone surrogates). XML needs that to stay well-formed whatever bytes
 * were uploaded; CSV and TSV get the same treatment because ad platforms refuse control
 * characters too, and a lone surrogate would only turn into U+FFFD on the way out.
 *
 * Why the regexes look the way they do (measured in V8, Node 20):
 * - the fast tests have no `u` flag: with it, scanning a two-byte string (any Greek, Japanese,
 *   accented-plus-CJK text) is ~5x slower. Without it they match every surrogate, paired or
 *   not, so a string with an emoji takes the second step, a native `isWellFormed` check;
 * - the replaces do use `u`: in Unicode mode `[\uD800-\uDFFF]` matches only *unpaired*
 *   surrogates, so emoji survive the replace while lone halves are removed.
 */

/** XML 1.0 `Char` production, inverted, minus the surrogates (tab, LF and CR are allowed). */
const INVALID_BMP = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF';
const SURROGATES = '\\uD800-\\uDFFF';

const INVALID_TEST = new RegExp(`[${INVALID_BMP}]`);
/** With `u`: C0 controls, U+FFFE/U+FFFF and lone surrogates only. */
const INVALID_REPLACE = new RegExp(`[${INVALID_BMP}${SURROGATES}]`, 'gu');

type WellFormed = (this: string) => boolean;
const nativeWellFormed = (String.prototype as { isWellFormed?: WellFormed }).isWellFormed;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** No lone surrogates: native where the runtime has it (Node 20, Workers), a regex otherwise. */
export const isWellFormed: (value: string) => boolean = nativeWellFormed
  ? (value) => nativeWellFormed.call(value)
  : (value) => !LONE_SURROGATE.test(value);

/** `value` without characters XML 1.0 forbids; the same string when it has none. */
export function removeInvalidChars(value: string): string {
  return INVALID_TEST.test(value) || !isWellFormed(value) ? value.replace(INVALID_REPLACE, '') : value;
}

const XML_TEST = new RegExp(`[&<>${INVALID_BMP}${SURROGATES}]`);

/**
 * Text content for an XML element. `>` is escaped too, so `]]>` in a title cannot end a
 * CDATA section or upset a strict parser; we never use CDATA, escaping is one rule everywhere.
 */
export function escapeXml(value: string): string {
  if (!XML_TEST.test(value)) return value;
  // Markup is common (`Apparel & Accessories > Shirts` in every product's category), so it is
  // replaced with native replaceAll, several times faster than a regex with a callback.
  let text = removeInvalidChars(value);
  if (text.includes('&')) text = text.replaceAll('&', '&amp;');
  if (text.includes('<')) text = text.replaceAll('<', '&lt;');
  if (text.includes('>')) text = text.replaceAll('>', '&gt;');
  return text;
}

const CSV_TEST = new RegExp(`[",\\r\\n${INVALID_BMP}${SURROGATES}]`);
const CSV_QUOTE_TEST = /[",\r\n]/;
const QUOTES = /"/g;

/**
 * One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF, with inner
 * quotes doubled. Newlines inside a quoted field are kept: Meta and csv-parse read them back.
 */
export function csvField(value: string): string {
  if (!CSV_TEST.test(value)) return value;
  const clean = removeInvalidChars(value);
  return CSV_QUOTE_TEST.test(clean) ? `"${clean.replace(QUOTES, '""')}"` : clean;
}

const TSV_TEST = new RegExp(`[\\t\\r\\n${INVALID_BMP}${SURROGATES}]`);
const TSV_BREAKS = /\r\n|[\t\r\n]/g;

/**
 * One TSV field. Google's and Meta's tab-separated formats have no quoting, so a tab or a line
 * break inside a value would start a new column or row: each becomes a single space.
 */
export function tsvField(value: string): string {
  return TSV_TEST.test(value) ? removeInvalidChars(value).replace(TSV_BREAKS, ' ') : value;
}
