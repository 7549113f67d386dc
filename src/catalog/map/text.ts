/**
 * Text clean-up shared by the mappers and the validator.
 *
 * Shop exports carry HTML descriptions (Magento, Shopify `Body (HTML)`, WooCommerce),
 * entity-escaped text (`&bull;`, `&amp;`) and the odd control character from a copy-paste;
 * feeds want plain text that any XML or CSV writer can emit.
 */

import { decodeEntities } from '../parse/entities';

export { decodeEntities };

// C0 controls except \t \n \r, DEL, C1 controls, and the two non-characters XML forbids.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g;
// A surrogate half without its partner cannot be encoded in UTF-8 or XML.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One line of text: controls removed, all whitespace runs (newlines too) made one space. */
export function cleanLine(raw: string): string {
  if (isClean(raw, false)) return raw; // most cells: one scan, no copy
  let s = raw;
  if (s.includes('&')) s = decodeEntities(s);
  s = withoutBadCharacters(s);
  return s.replace(/\s+/g, ' ').trim();
}

/** Multi-line text: as cleanLine, but line breaks survive (at most one blank line in a row). */
export function cleanMultiline(raw: string): string {
  if (isClean(raw, true)) return raw;
  let s = looksLikeHtml(raw) ? stripHtml(raw) : raw;
  if (s.includes('&')) s = decodeEntities(s);
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
  s = withoutBadCharacters(s);
  if (!s.includes('\n')) return s.replace(/\s+/g, ' ').trim();
  return s
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Controls and lone surrogates removed; each regex only runs when a quick scan finds its kind. */
function withoutBadCharacters(s: string): string {
  if (HAS_CONTROL.test(s)) s = s.replace(CONTROL, '');
  if (HAS_SURROGATE.test(s)) s = s.replace(LONE_SURROGATE, '');
  return s;
}
const HAS_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;
const HAS_SURROGATE = /[\ud800-\udfff]/;

/**
 * True when cleaning would not change the text: no leading, trailing or doubled spaces, no
 * whitespace but the plain space (and single `\n` between lines when multiline, at most two
 * in a row), no control characters, surrogates (checked on the slow path), markup or
 * entities. One regex scan: twice as fast as a loop over the characters in JavaScript.
 */
function isClean(s: string, multiline: boolean): boolean {
  const n = s.length;
  if (n === 0) return false; // '' takes the slow path, harmlessly
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(n - 1);
  if (multiline) return first !== 32 && first !== 10 && last !== 32 && last !== 10 && !MULTILINE_DIRTY.test(s);
  return first !== 32 && last !== 32 && !LINE_DIRTY.test(s);
}
// Other whitespace and controls, `&` (entities), DEL, C1, NBSP, Unicode spaces, BOM,
// non-characters, surrogates; multi-line text also `<` (markup) and badly placed newlines.
const LINE_DIRTY = /[\x00-\x1f&\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\ufffe\uffff\ud800-\udfff]| {2}/;
const MULTILINE_DIRTY =
  /[\x00-\x09\x0b-\x1f&<\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\ufffe\uffff\ud800-\udfff]| {2}| \n|\n |\n{3}/;

export function looksLikeHtml(s: string): boolean {
  return s.includes('<') && /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|<!--/i.test(s);
}

// Block elements end a paragraph (a blank line); list items, rows and <br> end a line.
const PARAGRAPH_END = /<\/(?:p|div|h[1-6]|ul|ol|dl|table|section|article|header|footer|blockquote|pre)\s*>|<hr\b[^>]*>/gi;
const LINE_START = /<(?:p|div|h[1-6]|ul|ol|dl|table|section|article|header|footer|blockquote|pre|li|tr|dt|dd)\b[^>]*>|<br\b[^>]*>/gi;

/** HTML to text: scripts, styles and comments dropped, blocks and line breaks kept as newlines. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(PARAGRAPH_END, '\n\n')
    .replace(LINE_START, '\n')
    .replace(/<\/?(?:td|th)\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
}

/** URL path segment from a name, as Magento and most shops derive url keys. */
export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
