/**
 * Our overlay SVGs (satori's output, never user input) to premultiplied RGBA with resvg-wasm,
 * whole or just the painted box (the crop decision is shared with Node: src/creative/svg-crop.ts).
 * resvg-wasm's pixels are premultiplied like resvg-js's, which is what the compositor blends.
 *
 * Every object resvg-wasm hands out lives in wasm memory until `.free()` (there is no finalizer
 * to count on), so each is freed on every path: a long-lived isolate renders thousands.
 */
import { Resvg } from '@resvg/resvg-wasm';
import type { RawImage } from '../creative/ports';
import type { RasterRegion } from '../creative/render';
import { cropOf, hasFilter, RESVG_OPTIONS, withoutRedundantMasks } from '../creative/svg-crop';
import type { WasmCodecs } from './wasm-codecs';

type Tree = InstanceType<typeof Resvg>;

/** Render the (possibly cropped) tree; the pixels are a JS copy, so the wasm image is freed. */
function pixels(tree: Tree): RawImage {
  const image = tree.render();
  try {
    return { width: image.width, height: image.height, channels: 4, data: image.pixels };
  } finally {
    image.free();
  }
}

function withTree<T>(svg: string, use: (tree: Tree) => T): T {
  const tree = new Resvg(svg, RESVG_OPTIONS);
  try {
    return use(tree);
  } finally {
    tree.free();
  }
}

export function wasmSvgRasterizer(codecs: WasmCodecs) {
  return {
    async whole(svg: string): Promise<RawImage> {
      await codecs.ready();
      return withTree(svg, pixels);
    },

    /** Only the painted box: resvg's cost follows the canvas it draws on. Null when nothing is painted. */
    async region(satoriSvg: string): Promise<RasterRegion | null> {
      await codecs.ready();
      const svg = withoutRedundantMasks(satoriSvg);
      if (hasFilter(svg)) return { image: withTree(svg, pixels), left: 0, top: 0 };
      return withTree(svg, (tree) => {
        const box = tree.getBBox();
        try {
          const crop = cropOf(box, tree);
          if (crop === null) return null;
          if (crop === 'whole') return { image: pixels(tree), left: 0, top: 0 };
          Object.assign(box!, { x: crop.left, y: crop.top, width: crop.width, height: crop.height });
          tree.cropByBBox(box!);
          return { image: pixels(tree), left: crop.left, top: crop.top };
        } finally {
          box?.free();
        }
      });
    },
  };
}
