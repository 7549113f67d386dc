/**
 * The Workers creative parts' wasm, loaded in Node: the same .wasm files a Worker bundle imports,
 * read from node_modules and compiled, plus the Inter fonts as Node loads them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FontSpec } from '../../src/creative/ports';
import { loadInterFonts } from '../../src/runtime/node-creative';
import type { WasmModules } from '../../src/runtime/wasm-creative';

const require = createRequire(import.meta.url);

/** The package path of each module: the same specifiers a Worker entry imports. */
export const WASM_FILES: Record<keyof WasmModules, string> = {
  yoga: 'satori/layout.wasm',
  resvg: '@resvg/resvg-wasm/index_bg.wasm',
  jpegDec: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
  jpegEnc: '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
  png: '@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
  webpDec: '@jsquash/webp/codec/dec/webp_dec.wasm',
  webpEnc: '@jsquash/webp/codec/enc/webp_enc.wasm',
  resize: '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm',
};

let compiled: Promise<WasmModules> | undefined;

/** Every module compiled once per test file. */
export function loadWasmModules(): Promise<WasmModules> {
  compiled ??= (async () => {
    const entries = await Promise.all(
      Object.entries(WASM_FILES).map(async ([name, file]) => [name, await WebAssembly.compile(readFileSync(require.resolve(file)))] as const),
    );
    return Object.fromEntries(entries) as unknown as WasmModules;
  })();
  return compiled;
}

export function loadWasmFonts(): FontSpec[] {
  return loadInterFonts();
}
