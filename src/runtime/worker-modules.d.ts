// What wrangler's bundler hands a Worker for these imports: `.wasm?module` as compiled modules
// (the suffix also keeps TypeScript off the packages' own .wasm.d.ts files, which describe
// instantiated exports), fonts as bytes (the Data rule in wrangler.toml).
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.woff' {
  const data: ArrayBuffer;
  export default data;
}
