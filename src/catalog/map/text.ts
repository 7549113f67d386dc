/**
 * Text clean-up shared by the mappers and the validator.
 *
 * Shop exports carry HTML descriptions (Magento, Shopify `Body (HTML)`, WooCommerce),
 * entity-escaped text (`&bull;`, `&amp;`) and the odd control character from a copy-paste;
 * feeds want plain text that any XML or CSV writer can emit.
 */

// C0 controls except \t \n \r, DEL, C1 controls, and the two non-characters XML forbids.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g;
// A surrogate half without its partner cannot be encoded in UTF-8 or XML.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One line of text: controls removed, all whitespace runs (newlines too) made one space. */
export function cleanLine(raw: string): string {
  if (isClean(raw, false)) return raw; // most cells: one scan, no regex, no copy
  let s = raw;
  if (s.includes('&')) s = decodeEntities(s);
  s = s.replace(CONTROL, '').replace(LONE_SURROGATE, '');
  return s.replace(/\s+/g, ' ').trim();
}

/** Multi-line text: as cleanLine, but line breaks survive (at most one blank line in a row). */
export function cleanMultiline(raw: string): string {
  if (isClean(raw, true)) return raw;
  let s = looksLikeHtml(raw) ? stripHtml(raw) : raw;
  if (s.includes('&')) s = decodeEntities(s);
  s = s.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '');
  return s
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

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

const BLOCK_TAGS =
  /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|thead|tbody|section|article|header|footer|blockquote|pre|hr|dt|dd|dl)\b[^>]*>/gi;

/** HTML to text: scripts, styles and comments dropped, block elements become line breaks. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(BLOCK_TAGS, '\n')
    .replace(/<\/?(?:td|th)\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', bull: '•', middot: '·',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“',
  rdquo: '”', bdquo: '„', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™',
  deg: '°', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', times: '×',
  divide: '÷', plusmn: '±', frac12: '½', frac14: '¼', frac34: '¾', sup2: '²', sup3: '³',
  micro: 'µ', shy: '', zwj: '\u200d', zwnj: '\u200c', ensp: ' ', emsp: ' ', thinsp: ' ',
  iexcl: '¡', iquest: '¿', szlig: 'ß', aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø',
  aring: 'å', Aring: 'Å', ccedil: 'ç', Ccedil: 'Ç', ntilde: 'ñ', Ntilde: 'Ñ', eth: 'ð',
  thorn: 'þ', oelig: 'œ', OElig: 'Œ', dagger: '†', larr: '←', rarr: '→', check: '✓',
};
const ACCENTS: Record<string, string> = { acute: '\u0301', grave: '\u0300', circ: '\u0302', uml: '\u0308', tilde: '\u0303' };

/** Numeric and the common named HTML entities; unknown names stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    const named = NAMED[ref];
    if (named !== undefined) return named;
    // &eacute; &Uuml; &atilde; …: a base letter and a combining accent, composed.
    const accent = /^([a-zA-Z])(acute|grave|circ|uml|tilde)$/.exec(ref);
    if (accent) return (accent[1]! + ACCENTS[accent[2]!]!).normalize('NFC');
    return whole;
  });
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
