/**
 * Makes satori/standalone usable on Cloudflare Workers. satori 0.63's standalone build takes its
 * layout engine as a module (`init(layout.wasm)`), but it also carries HarfBuzz (its text
 * shaper) as base64 and starts `WebAssembly.instantiate(bytes)` while its module is being
 * evaluated, and every render waits for that. On workerd, module evaluation is the Worker's
 * start-up, where an asynchronous instantiate never settles (and later, compiling wasm from
 * bytes is refused): every render waited forever ("the Worker's code had hung").
 *
 * This module must be evaluated right before satori's (src/runtime/wasm-satori.ts imports the
 * two in that order). It takes over WebAssembly.instantiate for exactly one call, satori's, and
 * does the same work synchronously, so it is finished when start-up is: workerd lets start-up
 * code compile wasm (compatibility flag allow_eval_during_startup, on by default from
 * compatibility date 2025-06-01); on Node it is the same ~4 ms of work done a moment earlier.
 * Where the runtime refuses even that, renders fail with a clear error instead of hanging
 * (a HarfBuzz precompiled by the bundler cannot help: a promise made during start-up and
 * settled later, inside a request, does not wake that request on workerd).
 */

type Instantiate = (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<unknown>;

const api = WebAssembly as unknown as { instantiate: Instantiate };
const original = api.instantiate;

api.instantiate = function instantiateOnce(source, imports) {
  api.instantiate = original; // satori's call is the first one after this module ran: put it back at once
  if (source instanceof WebAssembly.Module) return original.call(WebAssembly, source, imports);
  try {
    const module = new WebAssembly.Module(source);
    return Promise.resolve({ module, instance: new WebAssembly.Instance(module, imports) });
  } catch (err) {
    const refused = /disallowed/i.test(String(err));
    return Promise.reject(
      refused
        ? new Error(
            'satori cannot start its text shaper (HarfBuzz): this runtime refuses to compile wasm even during start-up. ' +
              'On Workers, use compatibility_date 2025-06-01 or later (allow_eval_during_startup) and import satori statically.',
          )
        : err,
    );
  }
};
