/**
 * The wasm libraries behind the Workers creative parts, started from precompiled
 * WebAssembly.Modules the caller hands in (a Worker bundle imports `.wasm` files as modules;
 * tests compile them from node_modules). Nothing here fetches or reads a .wasm by URL, and
 * nothing compiles wasm from bytes (Workers refuse it after start-up; satori's one exception is
 * handled in ./satori-harfbuzz.ts).
 *
 * The emscripten codecs (mozjpeg, libwebp) are driven through their own glue rather than
 * @jsquash's wrappers: the wrappers' init types do not take a module, and the WebP encoder's
 * picks a SIMD or plain build by feature detection with a dynamic import, which would pull
 * both builds into the bundle. The plain builds are used: workerd has SIMD, but the SIMD
 * encoder is only ~25 % faster here and WebP is the least used output.
 *
 * Memory: wasm memory only grows. A codec instance that once decoded a 24 MP photo would hold
 * ~100 MB for the isolate's life (Workers allow 128 MB), so untrusted JPEG and WebP photos are
 * decoded by a fresh instance, dropped with its memory afterwards (~20 ms more per photo than
 * a warm instance; a photo is prepared once and cached). The long-lived instances only see
 * images bounded by the creative sizes; the resizer only sees photos already box-shrunk to at
 * most twice their slot (./wasm-photo.ts). The PNG decoder is wasm-bindgen's single instance
 * per module and keeps the memory of the largest PNG photo it has decoded.
 */
import mozjpegDecoder from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import mozjpegEncoder from '@jsquash/jpeg/codec/enc/mozjpeg_enc.js';
import { decode as pngDecode, encode as pngEncode, initSync as initPng } from '@jsquash/png/codec/pkg/squoosh_png.js';
import { initSync as initResize, resize as squooshResize } from '@jsquash/resize/lib/resize/pkg/squoosh_resize.js';
import webpDecoder from '@jsquash/webp/codec/dec/webp_dec.js';
import webpEncoder from '@jsquash/webp/codec/enc/webp_enc.js';
import { initWasm as initResvg } from '@resvg/resvg-wasm';
import { initSatori } from './wasm-satori';

/** The compiled .wasm files (see test/helpers/wasm-modules.ts, and the Worker entry's imports). */
export interface WasmModules {
  /** satori/layout.wasm (the layout engine of satori/standalone) */
  yoga: WebAssembly.Module;
  /** @resvg/resvg-wasm/index_bg.wasm */
  resvg: WebAssembly.Module;
  /** @jsquash/jpeg/codec/dec/mozjpeg_dec.wasm */
  jpegDec: WebAssembly.Module;
  /** @jsquash/jpeg/codec/enc/mozjpeg_enc.wasm */
  jpegEnc: WebAssembly.Module;
  /** @jsquash/png/codec/pkg/squoosh_png_bg.wasm (decoder and encoder) */
  png: WebAssembly.Module;
  /** @jsquash/webp/codec/dec/webp_dec.wasm */
  webpDec: WebAssembly.Module;
  /** @jsquash/webp/codec/enc/webp_enc.wasm (the plain build, not webp_enc_simd.wasm) */
  webpEnc: WebAssembly.Module;
  /** @jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm */
  resize: WebAssembly.Module;
}

/** Straight (not premultiplied) RGBA, as the codecs hand it out. */
export interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

interface ImageDataLike {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

type EmscriptenFactory<M> = (options: {
  noInitialRun: boolean;
  print: (text: string) => void;
  printErr: (text: string) => void;
  instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => WebAssembly.Exports;
}) => Promise<M>;

/** An emscripten codec and what it printed during the last call (libjpeg reports problems there). */
interface Codec<M> {
  api: M;
  log: string[];
}

interface JpegDecoder {
  decode(data: Uint8Array, applyOrientation: boolean): ImageDataLike | null;
}
interface WebpDecoder {
  decode(data: Uint8Array): ImageDataLike | null;
}
interface Encoder<Options> {
  encode(data: Uint8Array, width: number, height: number, options: Options): Uint8Array | null;
}

/** mozjpeg's options (@jsquash/jpeg meta.ts); every field is required by its binding. */
interface JpegOptions {
  quality: number;
  baseline: boolean;
  arithmetic: boolean;
  progressive: boolean;
  optimize_coding: boolean;
  smoothing: number;
  color_space: number;
  quant_table: number;
  trellis_multipass: boolean;
  trellis_opt_zero: boolean;
  trellis_opt_table: boolean;
  trellis_loops: number;
  auto_subsample: boolean;
  chroma_subsample: number;
  separate_chroma_quality: boolean;
  chroma_quality: number;
}

/** libwebp's WebPConfig as @jsquash/webp passes it; every field is required by its binding. */
type WebpOptions = Record<
  | 'quality' | 'target_size' | 'target_PSNR' | 'method' | 'sns_strength' | 'filter_strength' | 'filter_sharpness' | 'filter_type'
  | 'partitions' | 'segments' | 'pass' | 'show_compressed' | 'preprocessing' | 'autofilter' | 'partition_limit' | 'alpha_compression'
  | 'alpha_filtering' | 'alpha_quality' | 'lossless' | 'exact' | 'image_hint' | 'emulate_jpeg_size' | 'thread_level' | 'low_memory'
  | 'near_lossless' | 'use_delta_palette' | 'use_sharp_yuv',
  number
>;

/**
 * Baseline JPEG, 4:2:0, no progressive scans, no Huffman optimisation, like the Node pipeline's.
 * mozjpeg's trellis quantisation cannot be turned off through this binding (0 loops crashes
 * it); it is what makes a wasm JPEG encode cost ~100–300 ms for 1080×1080. mozjpeg's own
 * quantisation tables (3) are used rather than the standard ones sharp uses (0): about 30 %
 * faster here, and smaller files at the same error.
 */
function jpegOptions(quality: number): JpegOptions {
  return {
    quality,
    baseline: true,
    arithmetic: false,
    progressive: false,
    optimize_coding: false,
    smoothing: 0,
    color_space: 3, // YCbCr
    quant_table: 3, // mozjpeg's default (ImageMagick's tables)
    trellis_multipass: false,
    trellis_opt_zero: false,
    trellis_opt_table: false,
    trellis_loops: 1,
    auto_subsample: true,
    chroma_subsample: 2,
    separate_chroma_quality: false,
    chroma_quality: quality,
  };
}

/** sharp's `webp({ quality: 85, effort: 2 })`: effort is libwebp's method. */
const WEBP_OPTIONS: WebpOptions = {
  quality: 85, target_size: 0, target_PSNR: 0, method: 2, sns_strength: 50, filter_strength: 60, filter_sharpness: 0, filter_type: 1,
  partitions: 0, segments: 4, pass: 1, show_compressed: 0, preprocessing: 0, autofilter: 0, partition_limit: 0, alpha_compression: 1,
  alpha_filtering: 1, alpha_quality: 100, lossless: 0, exact: 0, image_hint: 0, emulate_jpeg_size: 0, thread_level: 0, low_memory: 0,
  near_lossless: 100, use_delta_palette: 0, use_sharp_yuv: 0,
};

const LANCZOS3 = 3; // squoosh resize's method index: triangle, catrom, mitchell, lanczos3

/** An emscripten module on a new instance of its compiled wasm (never fetched); its output is kept, not printed. */
async function instantiate<M>(factory: unknown, module: WebAssembly.Module): Promise<Codec<M>> {
  const log: string[] = [];
  const api = await (factory as EmscriptenFactory<M>)({
    noInitialRun: true,
    print: (text) => log.push(text),
    printErr: (text) => log.push(text),
    instantiateWasm(imports, done) {
      const instance = new WebAssembly.Instance(module, imports);
      done(instance);
      return instance.exports;
    },
  });
  return { api, log };
}

/**
 * One codec call: what it returns, or an Error with what the codec printed last (C++ exceptions
 * reach JS as bare numbers or objects, libjpeg's reason only in its output).
 */
function call<T>(codec: Codec<unknown>, what: string, run: () => T | null | undefined): T {
  codec.log.length = 0;
  let out: T | null | undefined;
  try {
    out = run();
  } catch (err) {
    throw new Error(codec.log.at(-1) ?? (err instanceof Error ? err.message : `${what} failed`));
  }
  if (out === null || out === undefined) throw new Error(codec.log.at(-1) ?? `${what} failed`);
  return out;
}

/**
 * The decoders build their results with `new ImageData(…)` from the global scope, which workerd
 * does not have. Their glue installs a minimal stand-in when it recognises Workers or Node; this
 * is the same stand-in for when it does not (only if nothing is there: a real ImageData wins).
 */
function ensureImageData(): void {
  const scope = globalThis as { ImageData?: unknown };
  scope.ImageData ??= class ImageData {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  };
}

/**
 * satori, resvg-wasm and the wasm-bindgen codecs (PNG, resize) keep one instance per JS
 * module, so they are started once per isolate whoever asks first; resvg-wasm refuses a second
 * initWasm, which is fine when someone else in the process already started it.
 */
let sharedReady: Promise<void> | undefined;

function startShared(modules: WasmModules): Promise<void> {
  sharedReady ??= (async () => {
    ensureImageData();
    initPng(modules.png);
    initResize(modules.resize);
    await initSatori(modules.yoga);
    await initResvg(modules.resvg).catch((err: unknown) => {
      if (!(err instanceof Error && /already initialized/i.test(err.message))) throw err;
    });
  })();
  sharedReady.catch(() => (sharedReady = undefined)); // a failed start is retried, not remembered
  return sharedReady;
}

interface LongLived {
  jpegDec: Codec<JpegDecoder>;
  jpegEnc: Codec<Encoder<JpegOptions>>;
  webpEnc: Codec<Encoder<WebpOptions>>;
}

const asBytes = (d: ImageDataLike): Rgba => ({ data: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength), width: d.width, height: d.height });

export interface WasmCodecs {
  /** everything started (lazily, once); the renderer awaits this before satori and resvg */
  ready(): Promise<void>;
  /**
   * EXIF orientation applied. `untrusted`: on a throwaway instance, and a truncated file is an
   * error (as sharp's `failOn: 'error'` has it) rather than a photo with a grey bottom.
   */
  decodeJpeg(bytes: Uint8Array, untrusted: boolean): Promise<Rgba>;
  decodePng(bytes: Uint8Array): Promise<Rgba>;
  decodeWebp(bytes: Uint8Array): Promise<Rgba>;
  encodeJpeg(rgba: Rgba, quality: number): Promise<Uint8Array>;
  encodePng(rgba: Rgba): Promise<Uint8Array>;
  encodeWebp(rgba: Rgba): Promise<Uint8Array>;
  /** Lanczos3 in sRGB (as sharp does); `alpha`: resampled premultiplied, returned straight. */
  resize(rgba: Rgba, width: number, height: number, alpha: boolean): Promise<Rgba>;
}

export function wasmCodecs(modules: WasmModules): WasmCodecs {
  let longLived: Promise<LongLived> | undefined;
  const started = (): Promise<LongLived> => {
    longLived ??= startShared(modules).then(async () => {
      const [jpegDec, jpegEnc, webpEnc] = await Promise.all([
        instantiate<JpegDecoder>(mozjpegDecoder, modules.jpegDec),
        instantiate<Encoder<JpegOptions>>(mozjpegEncoder, modules.jpegEnc),
        instantiate<Encoder<WebpOptions>>(webpEncoder, modules.webpEnc),
      ]);
      return { jpegDec, jpegEnc, webpEnc };
    });
    longLived.catch(() => (longLived = undefined));
    return longLived;
  };
  /** A failed call may leave an emscripten instance exited (libjpeg's errors end in exit()): start afresh next time. */
  const onLongLived = async <T>(use: (codecs: LongLived) => T): Promise<T> => {
    const codecs = await started();
    try {
      return use(codecs);
    } catch (err) {
      longLived = undefined;
      throw err;
    }
  };
  return {
    ready: () => started().then(() => {}),

    async decodeJpeg(bytes, untrusted) {
      if (!untrusted) return onLongLived(({ jpegDec }) => asBytes(call(jpegDec, 'JPEG decoding', () => jpegDec.api.decode(bytes, true))));
      await started();
      const decoder = await instantiate<JpegDecoder>(mozjpegDecoder, modules.jpegDec);
      const out = call(decoder, 'JPEG decoding', () => decoder.api.decode(bytes, true));
      const truncated = decoder.log.find((line) => /premature end/i.test(line));
      if (truncated) throw new Error(truncated);
      return asBytes(out);
    },

    async decodePng(bytes) {
      await started();
      return asBytes(pngDecode(bytes) as unknown as ImageDataLike);
    },

    async decodeWebp(bytes) {
      await started();
      const decoder = await instantiate<WebpDecoder>(webpDecoder, modules.webpDec);
      return asBytes(call(decoder, 'WebP decoding', () => decoder.api.decode(bytes)));
    },

    encodeJpeg: (rgba, quality) =>
      onLongLived(({ jpegEnc }) => call(jpegEnc, 'JPEG encoding', () => jpegEnc.api.encode(rgba.data, rgba.width, rgba.height, jpegOptions(quality)))),

    async encodePng(rgba) {
      await started();
      return pngEncode(rgba.data, rgba.width, rgba.height, 8);
    },

    encodeWebp: (rgba) => onLongLived(({ webpEnc }) => call(webpEnc, 'WebP encoding', () => webpEnc.api.encode(rgba.data, rgba.width, rgba.height, WEBP_OPTIONS))),

    async resize(rgba, width, height, alpha) {
      await started();
      const out = squooshResize(rgba.data, rgba.width, rgba.height, width, height, LANCZOS3, alpha, false);
      return { data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), width, height };
    },
  };
}
