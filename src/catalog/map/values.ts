/** Turning the loosely typed values of a record (CSV text, JSON, XML) into attribute text. */

/** Text of a scalar; lists joined with ", "; objects as JSON. Empty for null/undefined. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.map(toText).filter((s) => s !== '').join(', ');
  if (typeof value === 'object') {
    const money = moneyText(value as Record<string, unknown>);
    if (money !== null) return money;
    return JSON.stringify(value);
  }
  return '';
}

/** `{value: 15, currency: "EUR"}` (Google Content API) and `{amount, currency_code}` shapes. */
function moneyText(obj: Record<string, unknown>): string | null {
  const amount = obj['value'] ?? obj['amount'];
  const currency = obj['currency'] ?? obj['currency_code'] ?? obj['currencyCode'];
  if ((typeof amount === 'string' || typeof amount === 'number') && typeof currency === 'string') return `${amount} ${currency}`;
  return null;
}

/**
 * `s.trim()`, without the call when the ends are visible ASCII (most cells): the check is
 * two character reads, the builtin call costs more than that for every cell of a file.
 */
export function trimmed(s: string): string {
  const n = s.length;
  if (n > 0) {
    const a = s.charCodeAt(0);
    const b = s.charCodeAt(n - 1);
    if (a > 32 && a < 127 && b > 32 && b < 127) return s;
  }
  return s.trim();
}

/** The first non-empty text of a list, or the text of a scalar. */
export function firstText(value: unknown): string {
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = toText(v).trim();
      if (t !== '') return t;
    }
    return '';
  }
  return toText(value);
}

/**
 * Image lists in one cell: `a.jpg,b.jpg`, `a.jpg | b.jpg`, one per line. Split only where
 * the next item starts like a URL or path, so a comma inside a URL's query survives.
 */
export function splitUrls(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => splitUrls(v));
  if (value !== null && typeof value === 'object') {
    const uri = (value as Record<string, unknown>)['uri'] ?? (value as Record<string, unknown>)['url'];
    return typeof uri === 'string' ? [uri.trim()] : [];
  }
  const text = trimmed(toText(value));
  if (text === '') return [];
  if (!/[,|\n]/.test(text)) return [text]; // one URL: most cells, and the split below is a costly regex
  return text
    .split(/\s*[,|\n]\s*(?=(?:https?:)?\/\/|\/|[\w.-]+\/)/i)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Absolute URL for a link or image: unchanged when it has a scheme, `https:` added to
 * `//cdn…`, resolved against the shop's home page when relative. Unresolvable values come
 * back as they are, for the validator to report.
 */
export function resolveUrl(value: string, base: string): string {
  const v = trimmed(value);
  if (v.startsWith('https://') || v.startsWith('http://')) return v; // most links: no regex
  if (v === '' || /^[a-z][a-z0-9+.-]*:/i.test(v)) return v;
  if (v.startsWith('//')) return `https:${v}`;
  try {
    return new URL(v, withSlash(base)).href;
  } catch {
    return v;
  }
}

/** `https://shop.example/nl` + `/x` should give `/nl/x`: paths are joined, not replaced. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/**
 * A category path as Google's product_type wants it (`Men > Tops > Hoodies`), from Magento's
 * `Default Category/Men/Tops/Hoodies,Default Category/Collections` (first path, root
 * dropped) or WooCommerce's `Clothing > Hoodies, Clothing > Tops` (first path).
 */
export function categoryPath(value: string, separator: '/' | '>'): string {
  const paths = value.split(/\s*,\s*/);
  const first = paths.find((p) => p.includes(separator)) ?? paths[0] ?? '';
  const parts = first
    .split(separator)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length > 1 && /^(default category|root catalog|root)$/i.test(parts[0]!)) parts.shift();
  return parts.join(' > ');
}

/** A number from a shop export's quantity cell (`12`, `12.0`, `-3`); null when it is not one. */
export function parseCount(value: string): number | null {
  const t = trimmed(value);
  if (!/^-?\d+(?:\.0+)?$/.test(t)) return null;
  return Number.parseInt(t, 10);
}
