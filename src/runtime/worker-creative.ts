/**
 * The creative parts on Workers: every wasm module and font comes from the bundle (wrangler
 * compiles `.wasm` imports into WebAssembly.Modules and embeds the WOFF files as bytes), so
 * nothing is fetched at run time and the isolate starts the codecs only on its first render.
 */
import yoga from 'satori/layout.wasm?module';
import resvg from '@resvg/resvg-wasm/index_bg.wasm?module';
import jpegDec from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?module';
import jpegEnc from '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm?module';
import png from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm?module';
import webpDec from '@jsquash/webp/codec/dec/webp_dec.wasm?module';
import webpEnc from '@jsquash/webp/codec/enc/webp_enc.wasm?module';
import resize from '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm?module';
import latin400 from '@fontsource/inter/files/inter-latin-400-normal.woff';
import latin700 from '@fontsource/inter/files/inter-latin-700-normal.woff';
import latin800 from '@fontsource/inter/files/inter-latin-800-normal.woff';
import ext400 from '@fontsource/inter/files/inter-latin-ext-400-normal.woff';
import ext700 from '@fontsource/inter/files/inter-latin-ext-700-normal.woff';
import ext800 from '@fontsource/inter/files/inter-latin-ext-800-normal.woff';
import { interFontSpecs, type InterFontFile } from '../creative/fonts';
import type { CreativeParts } from '../creative/service';
import type { Settings } from '../env';
import { wasmCreativeParts } from './wasm-creative';
import { workerPhotoFetcher } from './worker-photo-fetcher';

/** The same Inter files and family names as on Node (src/creative/fonts.ts), from the bundle. */
const FONT_FILES: Record<InterFontFile, ArrayBuffer> = {
  'inter-latin-400-normal.woff': latin400,
  'inter-latin-700-normal.woff': latin700,
  'inter-latin-800-normal.woff': latin800,
  'inter-latin-ext-400-normal.woff': ext400,
  'inter-latin-ext-700-normal.woff': ext700,
  'inter-latin-ext-800-normal.woff': ext800,
};

export function workerCreativeParts(settings: Pick<Settings, 'photoFetchAllow'>): CreativeParts {
  const parts = wasmCreativeParts(
    { yoga, resvg, jpegDec, jpegEnc, png, webpDec, webpEnc, resize },
    interFontSpecs((file) => FONT_FILES[file]),
    workerPhotoFetcher({ allow: settings.photoFetchAllow }),
    // A JPEG decode peaks near 13 bytes a pixel (decoder memory plus the copy out): 8 MP is
    // about 100 MB, what an isolate's 128 MB holds beside the app.
    { maxPhotoPixels: 8_000_000 },
  );
  // An isolate has 128 MB in all: small memory caches (R2 holds the rest), one render at a time.
  return { ...parts, concurrency: 1, memoryBytes: 8 * 1024 * 1024, photoMemoryBytes: 24 * 1024 * 1024 };
}
