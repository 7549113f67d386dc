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
  if (isClean(raw, false)) return raw; // most cells: one scan, no regex, no copy
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
 * whitespace but the plain space (and single `\n` between lines when multiline), no
 * control characters, surrogates (checked on the slow path), markup or entities.
 */
function isClean(s: string, multiline: boolean): boolean {
  let prevSpace = true; // a leading space or newline needs trimming
  let prevNewline = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) return false;
      prevSpace = true;
      continue;
    }
    if (c === 10 && multiline) {
      if (prevSpace && !prevNewline) return false; // space before a newline, or a leading newline
      if (prevNewline && i >= 2 && s.charCodeAt(i - 2) === 10) return false; // a third newline
      prevSpace = true;
      prevNewline = true;
      continue;
    }
    // other whitespace and controls, `&` (entities), `<` (markup, in descriptions), DEL, C1, NBSP
    if (c < 33 || c === 38 || (c === 60 && multiline) || (c >= 0x7f && c <= 0xa0)) return false;
    if (c >= 0x1680) {
      if (c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f) return false;
      if (c === 0x205f || c === 0x3000 || c === 0xfeff || c >= 0xfffe) return false;
      if (c >= 0xd800 && c <= 0xdfff) return false; // surrogates: pairing is checked on the slow path
    }
    prevSpace = false;
    prevNewline = false;
  }
  return !prevSpace; // a trailing space or newline needs trimming ('' takes the slow path, harmlessly)
}

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
