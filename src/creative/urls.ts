/**
 * Creative URLs as feeds, e-mails and the admin UI hand them out. A product creative at the
 * template's default size needs no signature; anything else is signed (./signing.ts). `v` is the
 * creative's key (./inputs.ts creativeKey): the URL changes exactly when the image does, which is
 * what Meta needs to re-fetch it, and it lets the response be cached as immutable.
 */
import { sign } from './signing';
import { DEFAULT_SIZE, type CreativeSizeName, type ImageFormat } from './sizes';

export interface CreativeUrlOptions {
  /** PUBLIC_URL, no trailing slash needed */
  base: string;
  signingKey: string;
  catalog: string;
  template: string;
  size: CreativeSizeName;
  format: ImageFormat;
  /** the creative key, when known */
  v?: string;
}

function joinBase(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function productCreativePath(catalog: string, template: string, productId: string, format: ImageFormat): string {
  return `/img/${encodeURIComponent(catalog)}/${encodeURIComponent(template)}/${encodeURIComponent(productId)}.${format}`;
}

export function visitorCreativePath(catalog: string, template: string, visitorId: string, format: ImageFormat): string {
  return `/img/${encodeURIComponent(catalog)}/${encodeURIComponent(template)}/v/${encodeURIComponent(visitorId)}.${format}`;
}

/** Chosen products (1–4) drawn in a visitor template: `/img/:catalog/:template/p/:id,:id.ext`. */
export function chosenProductsCreativePath(catalog: string, template: string, productIds: readonly string[], format: ImageFormat): string {
  return `/img/${encodeURIComponent(catalog)}/${encodeURIComponent(template)}/p/${encodeURIComponent(productIds.join(','))}.${format}`;
}

/** Does a product creative URL with these parameters need a signature? */
export function needsSignature(params: URLSearchParams): boolean {
  for (const [k, v] of params) {
    if (k === 'v' || k === 'sig') continue;
    if (k === 'size' && v === DEFAULT_SIZE) continue;
    return true;
  }
  return false;
}

async function withParams(o: CreativeUrlOptions, path: string, alwaysSign: boolean): Promise<string> {
  const params = new URLSearchParams();
  if (o.size !== DEFAULT_SIZE) params.set('size', o.size);
  if (o.v) params.set('v', o.v);
  if (alwaysSign || needsSignature(params)) params.set('sig', await sign(o.signingKey, path, params));
  const q = params.toString();
  return joinBase(o.base, q ? `${path}?${q}` : path);
}

export function productCreativeUrl(o: CreativeUrlOptions, productId: string): Promise<string> {
  return withParams(o, productCreativePath(o.catalog, o.template, productId, o.format), false);
}

export function visitorCreativeUrl(o: CreativeUrlOptions, visitorId: string): Promise<string> {
  return withParams(o, visitorCreativePath(o.catalog, o.template, visitorId, o.format), true);
}

export function chosenProductsCreativeUrl(o: CreativeUrlOptions, productIds: readonly string[]): Promise<string> {
  return withParams(o, chosenProductsCreativePath(o.catalog, o.template, productIds, o.format), true);
}
