/**
 * The limits every runtime puts on untrusted product photos, in one place so the Node and the
 * Workers fetchers and decoders refuse the same things.
 */

/** No photo is larger than this many pixels (64 MP is Google's own ceiling for product images). */
export const MAX_PHOTO_PIXELS = 64_000_000;

/** One deadline for the whole fetch: DNS, connect, redirects and the body. */
export const PHOTO_TIMEOUT_MS = 8_000;

/** The most bytes a photo response may have (Google's own product image limit is 16 MB). */
export const PHOTO_MAX_BYTES = 15 * 1024 * 1024;

/** Redirects followed, each one checked again like the first URL. */
export const PHOTO_MAX_REDIRECTS = 3;

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export const PHOTO_USER_AGENT = 'adfeed-creatives/0.1';
