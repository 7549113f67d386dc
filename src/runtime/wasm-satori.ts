/**
 * satori/standalone for the wasm parts. The only place that imports it: the HarfBuzz shim has
 * to be evaluated before satori's module is (./satori-harfbuzz.ts), and ES modules are
 * evaluated in the order they are imported, so keep these two imports in this order.
 */
import './satori-harfbuzz';
import satori, { init } from 'satori/standalone';

export { init as initSatori, satori };
