/**
 * The synthetic demo catalog: realistic, deterministic products for the demo, the tests and
 * the benchmarks.
 *
 * Why it is built this way:
 * - Products come from a generator, never an array, so a 1,000,000-row catalog streams in
 *   constant memory.
 * - Every base product j gets its own PRNG seeded from (seed, j). Row i therefore depends only
 *   on the seed and on the rows before it, never on `count`: the 100k catalog is a prefix of
 *   the 1M one, and a test asking for 10 rows sees the same first 10 rows as a benchmark.
 * - Nothing reads the clock: sale windows and preorder dates are relative to a fixed epoch
 *   (overridable, e.g. by the demo, which wants windows around "today").
 * - Core code: no `node:` imports and no Buffer, so it also runs on Cloudflare Workers.
 *
 * A base product is either a single row (`P-000042`) or a variant group: a parent row
 * (`P-000123`, no item_group_id) followed by 2-6 variants (`P-000123-NAVY-M`, item_group_id
 * `P-000123`), emitted in id order so the generation order is also the sorted order (up to
 * 999,999 base products, ~2.4M rows; beyond that the numeric part outgrows its padding).
 */
import { formatMoney } from '../catalog/money';
import type { Availability, Condition, Money, Product, ShippingRule } from '../catalog/product';

export interface CatalogOptions {
  /** Number of rows (parents and variants each count as one). */
  count: number;
  seed?: number;
  /** Shop origin that `link` and `image_link` are built on, e.g. `http://localhost:8787`. */
  baseUrl: string;
  /** ISO 4217 code; prices are generated as EUR amounts and labelled with it. Default EUR. */
  currency?: string;
  /** ms since 1970 that sale windows and preorder dates are relative to. Default DEMO_EPOCH. */
  epoch?: number;
}

export interface ChunkOptions extends CatalogOptions {
  /** Rows per yielded chunk. Default 1000. */
  chunkRows?: number;
}

export const DEFAULT_SEED = 20_240_601;
/** 2026-11-01T00:00:00Z: the fixed "now" of the demo catalog. */
export const DEMO_EPOCH = Date.UTC(2026, 10, 1);

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// PRNG

/** 32-bit finaliser (murmur3 fmix32 family): spreads (seed, index) into a well-mixed seed. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, fast in JS. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix32(seed ^ 0x9e3779b9);
    this.b = mix32(seed + 0x6a09e667);
    this.c = mix32(seed ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** k distinct items, in the order they were drawn (partial Fisher-Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const tmp = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }
}

/** The PRNG for base product j: independent of every other j, so no row depends on count. */
export function baseRng(seed: number, j: number): Rng {
  return new Rng(mix32((seed >>> 0) ^ mix32(j + 0x632be5ab)));
}

// ---------------------------------------------------------------------------------------------
// GTIN

/** GS1 check digit for a GTIN body (the digits before the check digit; any GTIN length). */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  // Weights alternate 3, 1, 3, ... starting from the rightmost body digit.
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) {
    const d = body.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new RangeError(`not a digit string: "${body}"`);
    sum += d * w;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(gtin: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) return false;
  return gtinCheckDigit(gtin.slice(0, -1)) === gtin.charCodeAt(gtin.length - 1) - 48;
}

const GTIN_SPACE = 1_000_000_000;
const GTIN_MULT_HI = 73_648;
const GTIN_MULT_LO = 12_239; // multiplier 7,364,812,239: odd, not a multiple of 5, so a bijection mod 1e9

/**
 * GTIN-13 for (base j, slot v): a GS1 country prefix of the brand, then 9 digits that are a
 * bijective scramble of j*8+v, so no two rows share a GTIN (up to ~121M base products).
 */
function makeGtin(prefix: string, j: number, v: number): string {
  const x = (j * 8 + v + 31_415_926) % GTIN_SPACE;
  // x * mult mod 1e9 without leaving the exact range of doubles.
  const scrambled = ((((x * GTIN_MULT_HI) % GTIN_SPACE) * 100_000) % GTIN_SPACE + x * GTIN_MULT_LO) % GTIN_SPACE;
  const body = prefix + String(scrambled).padStart(9, '0');
  return body + gtinCheckDigit(body);
}

// ---------------------------------------------------------------------------------------------
// Reference data

interface Brand {
  name: string;
  /** 3-letter code for MPNs. */
  code: string;
  /** 3-digit GS1 country prefix (87x NL, 40x DE, 50x UK, 30x FR, ...). */
  gs1: string;
}

function brand(name: string, code: string, gs1: string): Brand {
  return { name, code, gs1 };
}

const B = {
  nordlicht: brand('Nordlicht', 'NRD', '400'),
  fjellmark: brand('Fjellmark', 'FJM', '700'),
  rousseau: brand('Atelier Rousseau', 'ATR', '300'),
  marlowe: brand('Marlowe', 'MRL', '500'),
  velora: brand('Velora', 'VLR', '800'),
  halvorsen: brand('Halvorsen', 'HLV', '570'),
  kestrel: brand('Kestrel', 'KST', '501'),
  strideLab: brand('Stride Lab', 'STL', '871'),
  casaVerde: brand('Casa Verde', 'CSV', '840'),
  hearthLoom: brand('Hearth & Loom', 'HLM', '502'),
  maisonOlive: brand('Maison Olive', 'MSO', '301'),
  odessa: brand('Odessa Home', 'ODH', '590'),
  brambleFinch: brand('Bramble & Finch', 'BRF', '503'),
  lumen: brand('Lumen & Co', 'LMN', '872'),
  nimbus: brand('Nimbus Audio', 'NMB', '401'),
  voltaic: brand('Voltaic', 'VLT', '873'),
  pixelwerk: brand('Pixelwerk', 'PXW', '402'),
  kobalt: brand('Kobalt', 'KBL', '730'),
  brightwell: brand('Brightwell', 'BRW', '504'),
  sundara: brand('Sundara', 'SND', '890'),
  solenne: brand('Solenne', 'SLN', '302'),
  aurelia: brand('Aurelia', 'AUR', '801'),
  zephyr: brand('Zephyr Sport', 'ZPH', '760'),
  granite: brand('Granite Outdoor', 'GRO', '731'),
  summitLine: brand('Summit Line', 'SML', '640'),
  tinkerTot: brand('Tinker & Tot', 'TNT', '874'),
  bluebell: brand('Bluebell Kids', 'BBK', '505'),
  pebblePlay: brand('Pebble Play', 'PBP', '540'),
  oakwood: brand('Oakwood Games', 'OKG', '403'),
  tidewater: brand('Tidewater', 'TDW', '875'),
} as const;

export const DEMO_BRANDS: readonly string[] = Object.values(B).map((b) => b.name);

/** Colour name, id code and a display hex (used by the demo images to paint variants). */
export interface DemoColor {
  name: string;
  code: string;
  hex: string;
}

function colors(...spec: [string, string][]): DemoColor[] {
  return spec.map(([name, hex]) => ({ name, code: name.toUpperCase().replace(/[^A-Z0-9]/g, ''), hex }));
}

const APPAREL_COLORS = colors(
  ['Navy', '#1f2f4f'],
  ['Black', '#1b1b1d'],
  ['White', '#f1efe9'],
  ['Charcoal', '#3b3d42'],
  ['Heather Grey', '#9a9ca1'],
  ['Forest Green', '#2e4a35'],
  ['Burgundy', '#6b1f2e'],
  ['Camel', '#b38a5a'],
  ['Sand', '#d6c4a4'],
  ['Olive', '#6b6b3a'],
  ['Rust', '#a34a28'],
  ['Sky Blue', '#8fb8de'],
  ['Blush Pink', '#e8b4b0'],
  ['Mustard', '#d4a22b'],
  ['Ivory', '#f3ecd8'],
  ['Cobalt', '#1f4fa3'],
);
const HOME_COLORS = colors(
  ['Cream', '#efe6d2'],
  ['Terracotta', '#c0643f'],
  ['Sage', '#9caf88'],
  ['Charcoal', '#3b3d42'],
  ['Ochre', '#c98f2c'],
  ['Stone', '#a8a196'],
  ['Ink Blue', '#27365a'],
  ['Dusty Rose', '#c9918f'],
  ['Natural', '#d9cdb5'],
  ['Moss', '#5d6b3a'],
);
const TECH_COLORS = colors(
  ['Black', '#1b1b1d'],
  ['White', '#f1efe9'],
  ['Silver', '#c3c6cb'],
  ['Space Grey', '#55585e'],
  ['Midnight Blue', '#1d2640'],
  ['Sage', '#9caf88'],
  ['Coral', '#e8705c'],
);
const SHADE_COLORS = colors(
  ['Rosewood', '#8e4a4f'],
  ['Coral', '#e8705c'],
  ['Berry', '#7a2548'],
  ['Nude', '#c9a08a'],
  ['Classic Red', '#b3122e'],
  ['Plum', '#5e2a4f'],
  ['Mauve', '#a0737f'],
);
const SPORT_COLORS = colors(
  ['Black', '#1b1b1d'],
  ['Volt', '#c8e62c'],
  ['Ocean', '#1f6fa3'],
  ['Graphite', '#44474d'],
  ['Flame', '#e2562b'],
  ['Glacier', '#cfe3ec'],
  ['Forest Green', '#2e4a35'],
);
const TOY_COLORS = colors(
  ['Red', '#cf3a2f'],
  ['Yellow', '#f2c230'],
  ['Blue', '#2f6fcf'],
  ['Green', '#3f9a4a'],
  ['Natural Wood', '#c9a375'],
  ['Pink', '#ee8fb0'],
);

/** Every demo colour by id code, for the image renderer. */
export const DEMO_COLORS: ReadonlyMap<string, DemoColor> = new Map(
  [APPAREL_COLORS, HOME_COLORS, TECH_COLORS, SHADE_COLORS, SPORT_COLORS, TOY_COLORS]
    .flat()
    .map((c) => [c.code, c] as const),
);

const S = {
  apparel: ['XS', 'S', 'M', 'L', 'XL', 'XXL'],
  womens: ['XS', 'S', 'M', 'L', 'XL'],
  waist: ['28', '30', '32', '34', '36', '38'],
  kids: ['4Y', '6Y', '8Y', '10Y', '12Y', '14Y'],
  shoesMen: ['40', '41', '42', '43', '44', '45', '46'],
  shoesWomen: ['36', '37', '38', '39', '40', '41'],
  shoesKids: ['28', '30', '31', '32', '33', '35'],
  shoesUnisex: ['37', '38', '39', '40', '41', '42', '43', '44', '45'],
  belts: ['80', '85', '90', '95', '100', '105'],
  socks: ['35-38', '39-42', '43-46'],
  cookware: ['20 cm', '24 cm', '28 cm'],
  cream: ['30 ml', '50 ml'],
  perfume: ['30 ml', '50 ml', '100 ml'],
  weights: ['2 kg', '4 kg', '6 kg', '8 kg', '10 kg'],
  puzzles: ['500 pieces', '1000 pieces', '1500 pieces'],
  helmets: ['S', 'M', 'L'],
  towels: ['Hand', 'Bath', 'Bath Sheet'],
  throws: ['130 x 170 cm', '150 x 200 cm'],
} as const;

type Axes = 'color-size' | 'color' | 'size' | 'none';
type Department = 'apparel' | 'shoes' | 'home' | 'electronics' | 'beauty' | 'sports' | 'toys';
/** The silhouette the demo image draws for a product of this kind. */
export type DemoShape = 'top' | 'bottom' | 'dress' | 'coat' | 'shoe' | 'bag' | 'hat' | 'mug' | 'pot' | 'cushion' | 'vase' | 'lamp' | 'bottle' | 'box' | 'device' | 'round' | 'mat' | 'tent' | 'toy';

interface Category {
  dept: Department;
  type: string;
  gpc: string;
  nouns: readonly string[];
  /** Title words before the noun: materials for goods, model lines for electronics. */
  qualifiers: readonly string[];
  /** Whether the qualifier is a material (then it fills `material`). */
  material: boolean;
  brands: readonly Brand[];
  price: readonly [number, number];
  axes: Axes;
  colors: readonly DemoColor[];
  sizes: readonly string[];
  /** Larger sizes cost more (cookware, perfume, weights), instead of one price per group. */
  sizePriced: boolean;
  gender: 'male' | 'female' | 'unisex' | null;
  age: 'adult' | 'kids' | null;
  /** Share of base products of this category that are variant groups. */
  variantShare: number;
  weight: number;
  shape: DemoShape;
}

type CategorySpec = Omit<Category, 'sizes' | 'sizePriced' | 'gender' | 'age' | 'material'> &
  Partial<Pick<Category, 'sizes' | 'sizePriced' | 'gender' | 'age' | 'material'>>;

function cat(spec: CategorySpec): Category {
  return { sizes: [], sizePriced: false, gender: null, age: null, material: false, ...spec };
}

const APPAREL_BRANDS = [B.nordlicht, B.fjellmark, B.rousseau, B.marlowe, B.velora, B.halvorsen, B.tidewater];
const SHOE_BRANDS = [B.strideLab, B.kestrel, B.fjellmark, B.marlowe];
const HOME_BRANDS = [B.casaVerde, B.hearthLoom, B.maisonOlive, B.odessa, B.brambleFinch, B.lumen];
const TECH_BRANDS = [B.nimbus, B.voltaic, B.pixelwerk, B.kobalt, B.brightwell];
const BEAUTY_BRANDS = [B.sundara, B.solenne, B.aurelia, B.lumen];
const SPORT_BRANDS = [B.zephyr, B.granite, B.summitLine, B.kestrel];
const TOY_BRANDS = [B.tinkerTot, B.bluebell, B.pebblePlay, B.oakwood];
const MODEL_LINES = ['Aria', 'Pulse', 'Nova', 'Echo', 'Vega', 'Orbit', 'Halo', 'Drift', 'Flux', 'Arc'];
const MODEL_SUFFIXES = ['Mini', 'Pro', 'Max', '2', '3', 'Air', 'Lite', 'S', 'X', '500', '700'];
const TECH_QUALIFIERS = MODEL_LINES.flatMap((m) => MODEL_SUFFIXES.map((s) => `${m} ${s}`));

/** Google product categories: numeric ids where checked against Google's taxonomy file, else the full path (Google takes both). */
const CATEGORIES: readonly Category[] = [
  // Apparel
  cat({ dept: 'apparel', type: 'Apparel > Men > Sweaters', gpc: '212', nouns: ['Crew Sweater', 'V-Neck Sweater', 'Cardigan', 'Roll-Neck Jumper', 'Half-Zip Pullover'], qualifiers: ['Merino', 'Cashmere-Blend', 'Lambswool', 'Organic Cotton'], material: true, brands: APPAREL_BRANDS, price: [49, 179], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.apparel, gender: 'male', age: 'adult', variantShare: 0.55, weight: 6, shape: 'top' }),
  cat({ dept: 'apparel', type: 'Apparel > Men > Shirts', gpc: '212', nouns: ['Oxford Shirt', 'Linen Shirt', 'Flannel Shirt', 'Polo Shirt', 'Henley'], qualifiers: ['Cotton', 'Linen', 'Brushed Cotton', 'Piqué Cotton'], material: true, brands: APPAREL_BRANDS, price: [29, 99], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.apparel, gender: 'male', age: 'adult', variantShare: 0.55, weight: 6, shape: 'top' }),
  cat({ dept: 'apparel', type: 'Apparel > Men > Trousers', gpc: '204', nouns: ['Chinos', 'Slim Jeans', 'Cargo Trousers', 'Pleated Trousers'], qualifiers: ['Stretch Cotton', 'Selvedge Denim', 'Wool-Blend', 'Ripstop'], material: true, brands: APPAREL_BRANDS, price: [49, 149], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.waist, gender: 'male', age: 'adult', variantShare: 0.55, weight: 5, shape: 'bottom' }),
  cat({ dept: 'apparel', type: 'Apparel > Men > Jackets & Coats', gpc: '5598', nouns: ['Parka', 'Field Jacket', 'Overcoat', 'Down Jacket', 'Rain Jacket'], qualifiers: ['Waxed Cotton', 'Wool', 'Recycled Nylon', 'Ripstop Nylon'], material: true, brands: APPAREL_BRANDS, price: [99, 399], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.apparel, gender: 'male', age: 'adult', variantShare: 0.5, weight: 4, shape: 'coat' }),
  cat({ dept: 'apparel', type: 'Apparel > Women > Dresses', gpc: '2271', nouns: ['Wrap Dress', 'Midi Dress', 'Shirt Dress', 'Knit Dress', 'Slip Dress'], qualifiers: ['Viscose', 'Linen', 'Silk', 'Jersey'], material: true, brands: APPAREL_BRANDS, price: [49, 189], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.womens, gender: 'female', age: 'adult', variantShare: 0.55, weight: 6, shape: 'dress' }),
  cat({ dept: 'apparel', type: 'Apparel > Women > Tops', gpc: '212', nouns: ['Blouse', 'Rib Tank', 'Boat-Neck Tee', 'Camisole', 'Wrap Top'], qualifiers: ['Silk', 'Organic Cotton', 'Linen', 'Modal'], material: true, brands: APPAREL_BRANDS, price: [24, 99], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.womens, gender: 'female', age: 'adult', variantShare: 0.55, weight: 6, shape: 'top' }),
  cat({ dept: 'apparel', type: 'Apparel > Women > Skirts', gpc: '1581', nouns: ['Pleated Midi Skirt', 'A-Line Skirt', 'Denim Skirt', 'Wrap Skirt'], qualifiers: ['Satin', 'Wool', 'Denim', 'Linen'], material: true, brands: APPAREL_BRANDS, price: [39, 119], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.womens, gender: 'female', age: 'adult', variantShare: 0.5, weight: 3, shape: 'dress' }),
  cat({ dept: 'apparel', type: 'Apparel > Women > Knitwear', gpc: '212', nouns: ['Cable-Knit Sweater', 'Cropped Cardigan', 'Oversized Jumper', 'Knitted Vest'], qualifiers: ['Mohair-Blend', 'Merino', 'Alpaca', 'Cashmere'], material: true, brands: APPAREL_BRANDS, price: [59, 189], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.womens, gender: 'female', age: 'adult', variantShare: 0.55, weight: 4, shape: 'top' }),
  cat({ dept: 'apparel', type: 'Apparel > Kids > T-Shirts', gpc: '212', nouns: ['Graphic Tee', 'Striped Tee', 'Long-Sleeve Tee', 'Pocket Tee'], qualifiers: ['Organic Cotton', 'Cotton Jersey'], material: true, brands: [B.bluebell, B.tidewater, B.fjellmark], price: [12, 29], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.kids, gender: 'unisex', age: 'kids', variantShare: 0.5, weight: 4, shape: 'top' }),
  cat({ dept: 'apparel', type: 'Apparel > Kids > Outerwear', gpc: '5598', nouns: ['Puffer Jacket', 'Rain Jacket', 'Fleece Jacket', 'Snowsuit'], qualifiers: ['Recycled', 'Waterproof', 'Insulated'], material: false, brands: [B.bluebell, B.fjellmark, B.granite], price: [39, 99], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.kids, gender: 'unisex', age: 'kids', variantShare: 0.5, weight: 2, shape: 'coat' }),
  cat({ dept: 'apparel', type: 'Apparel > Accessories > Scarves', gpc: '177', nouns: ['Scarf', 'Blanket Scarf', 'Wrap'], qualifiers: ['Lambswool', 'Cashmere', 'Silk', 'Cotton-Linen'], material: true, brands: APPAREL_BRANDS, price: [19, 89], axes: 'color', colors: APPAREL_COLORS, gender: 'unisex', age: 'adult', variantShare: 0.3, weight: 3, shape: 'cushion' }),
  cat({ dept: 'apparel', type: 'Apparel > Accessories > Hats', gpc: '173', nouns: ['Beanie', 'Bucket Hat', 'Baseball Cap', 'Fedora'], qualifiers: ['Merino', 'Cotton Twill', 'Wool Felt', 'Corduroy'], material: true, brands: APPAREL_BRANDS, price: [15, 69], axes: 'color', colors: APPAREL_COLORS, gender: 'unisex', age: 'adult', variantShare: 0.3, weight: 3, shape: 'hat' }),
  cat({ dept: 'apparel', type: 'Apparel > Accessories > Bags', gpc: '3032', nouns: ['Tote Bag', 'Crossbody Bag', 'Weekender Bag', 'Shoulder Bag'], qualifiers: ['Leather', 'Waxed Canvas', 'Suede', 'Recycled Nylon'], material: true, brands: APPAREL_BRANDS, price: [39, 249], axes: 'color', colors: APPAREL_COLORS, gender: 'female', age: 'adult', variantShare: 0.3, weight: 3, shape: 'bag' }),
  cat({ dept: 'apparel', type: 'Apparel > Accessories > Belts', gpc: '169', nouns: ['Belt', 'Braided Belt', 'Dress Belt'], qualifiers: ['Leather', 'Suede', 'Canvas'], material: true, brands: APPAREL_BRANDS, price: [25, 79], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.belts, gender: 'unisex', age: 'adult', variantShare: 0.35, weight: 2, shape: 'box' }),
  cat({ dept: 'apparel', type: 'Apparel > Accessories > Watches', gpc: '201', nouns: ['Chronograph Watch', 'Field Watch', 'Minimalist Watch', 'Dive Watch'], qualifiers: ['Steel', 'Titanium', 'Gold-Tone'], material: true, brands: [B.halvorsen, B.marlowe, B.kobalt], price: [89, 449], axes: 'none', colors: TECH_COLORS, gender: 'unisex', age: 'adult', variantShare: 0, weight: 2, shape: 'round' }),
  cat({ dept: 'apparel', type: 'Apparel > Underwear > Socks', gpc: '209', nouns: ['Socks 3-Pack', 'Hiking Socks', 'Ankle Socks 5-Pack'], qualifiers: ['Merino', 'Organic Cotton', 'Bamboo'], material: true, brands: APPAREL_BRANDS, price: [12, 35], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.socks, gender: 'unisex', age: 'adult', variantShare: 0.45, weight: 3, shape: 'bottom' }),
  // Shoes
  cat({ dept: 'shoes', type: 'Shoes > Men > Sneakers', gpc: '187', nouns: ['Leather Sneaker', 'Runner', 'Court Sneaker', 'Low-Top Sneaker'], qualifiers: ['Suede', 'Full-Grain', 'Knit', 'Canvas'], material: true, brands: SHOE_BRANDS, price: [69, 179], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.shoesMen, gender: 'male', age: 'adult', variantShare: 0.5, weight: 4, shape: 'shoe' }),
  cat({ dept: 'shoes', type: 'Shoes > Women > Boots', gpc: '187', nouns: ['Chelsea Boot', 'Ankle Boot', 'Knee-High Boot', 'Lace-Up Boot'], qualifiers: ['Leather', 'Suede', 'Nubuck'], material: true, brands: SHOE_BRANDS, price: [89, 249], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.shoesWomen, gender: 'female', age: 'adult', variantShare: 0.5, weight: 3, shape: 'shoe' }),
  cat({ dept: 'shoes', type: 'Shoes > Women > Sandals', gpc: '187', nouns: ['Slide Sandal', 'Strappy Sandal', 'Espadrille'], qualifiers: ['Leather', 'Raffia', 'Cork'], material: true, brands: SHOE_BRANDS, price: [29, 99], axes: 'color-size', colors: APPAREL_COLORS, sizes: S.shoesWomen, gender: 'female', age: 'adult', variantShare: 0.45, weight: 2, shape: 'shoe' }),
  cat({ dept: 'shoes', type: 'Shoes > Kids > Sneakers', gpc: '187', nouns: ['Velcro Sneaker', 'Light-Up Sneaker', 'Canvas Sneaker'], qualifiers: ['Canvas', 'Recycled'], material: true, brands: [B.bluebell, B.strideLab], price: [29, 69], axes: 'color-size', colors: TOY_COLORS, sizes: S.shoesKids, gender: 'unisex', age: 'kids', variantShare: 0.45, weight: 2, shape: 'shoe' }),
  cat({ dept: 'shoes', type: 'Shoes > Unisex > Hiking Boots', gpc: '187', nouns: ['Hiking Boot', 'Trail Shoe', 'Approach Shoe'], qualifiers: ['Waterproof', 'Gore-Tex', 'Lightweight'], material: false, brands: [B.fjellmark, B.granite, B.summitLine], price: [119, 229], axes: 'color-size', colors: SPORT_COLORS, sizes: S.shoesUnisex, gender: 'unisex', age: 'adult', variantShare: 0.45, weight: 2, shape: 'shoe' }),
  // Home
  cat({ dept: 'home', type: 'Home > Kitchen > Mugs & Cups', gpc: 'Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs', nouns: ['Mug', 'Espresso Cup Set', 'Latte Mug', 'Travel Mug'], qualifiers: ['Stoneware', 'Enamel', 'Porcelain', 'Speckled Ceramic'], material: true, brands: HOME_BRANDS, price: [9, 39], axes: 'color', colors: HOME_COLORS, variantShare: 0.2, weight: 4, shape: 'mug' }),
  cat({ dept: 'home', type: 'Home > Kitchen > Cookware', gpc: 'Home & Garden > Kitchen & Dining > Cookware & Bakeware > Cookware', nouns: ['Skillet', 'Dutch Oven', 'Saucepan', 'Wok', 'Sauté Pan'], qualifiers: ['Cast-Iron', 'Tri-Ply Stainless', 'Carbon Steel', 'Enamelled'], material: true, brands: HOME_BRANDS, price: [29, 249], axes: 'size', colors: HOME_COLORS, sizes: S.cookware, sizePriced: true, variantShare: 0.25, weight: 3, shape: 'pot' }),
  cat({ dept: 'home', type: 'Home > Decor > Cushions', gpc: 'Home & Garden > Decor > Throw Pillows', nouns: ['Cushion', 'Bolster Cushion', 'Floor Cushion'], qualifiers: ['Linen', 'Velvet', 'Bouclé', 'Wool'], material: true, brands: HOME_BRANDS, price: [19, 69], axes: 'color', colors: HOME_COLORS, variantShare: 0.25, weight: 3, shape: 'cushion' }),
  cat({ dept: 'home', type: 'Home > Decor > Vases', gpc: 'Home & Garden > Decor > Vases', nouns: ['Vase', 'Bud Vase Set', 'Floor Vase'], qualifiers: ['Glazed Ceramic', 'Recycled Glass', 'Terracotta'], material: true, brands: HOME_BRANDS, price: [19, 89], axes: 'color', colors: HOME_COLORS, variantShare: 0.2, weight: 2, shape: 'vase' }),
  cat({ dept: 'home', type: 'Home > Decor > Candles', gpc: 'Home & Garden > Decor > Home Fragrances > Candles', nouns: ['Scented Candle', 'Pillar Candle Set', 'Travel Candle Trio'], qualifiers: ['Fig & Cedar', 'Sea Salt', 'Amber', 'Wild Mint'], brands: HOME_BRANDS, price: [12, 45], axes: 'none', colors: HOME_COLORS, variantShare: 0, weight: 3, shape: 'vase' }),
  cat({ dept: 'home', type: 'Home > Bedding > Throws & Blankets', gpc: 'Home & Garden > Linens & Bedding > Bedding > Blankets', nouns: ['Throw', 'Waffle Blanket', 'Herringbone Throw'], qualifiers: ['Wool', 'Cotton', 'Alpaca-Blend'], material: true, brands: HOME_BRANDS, price: [39, 189], axes: 'color-size', colors: HOME_COLORS, sizes: S.throws, sizePriced: true, variantShare: 0.25, weight: 2, shape: 'cushion' }),
  cat({ dept: 'home', type: 'Home > Bath > Towels', gpc: 'Home & Garden > Linens & Bedding > Towels > Bath Towels & Washcloths', nouns: ['Towel', 'Waffle Towel', 'Towel Set'], qualifiers: ['Organic Cotton', 'Turkish Cotton', 'Linen'], material: true, brands: HOME_BRANDS, price: [12, 59], axes: 'color-size', colors: HOME_COLORS, sizes: S.towels, sizePriced: true, variantShare: 0.3, weight: 2, shape: 'cushion' }),
  cat({ dept: 'home', type: 'Home > Lighting > Lamps', gpc: 'Home & Garden > Lighting > Lamps', nouns: ['Table Lamp', 'Floor Lamp', 'Desk Lamp', 'Pendant Lamp'], qualifiers: ['Brass', 'Opal Glass', 'Rattan', 'Powder-Coated'], material: true, brands: [B.lumen, B.odessa, B.maisonOlive], price: [49, 299], axes: 'color', colors: HOME_COLORS, variantShare: 0.2, weight: 3, shape: 'lamp' }),
  // Electronics
  cat({ dept: 'electronics', type: 'Electronics > Audio > Headphones', gpc: '543626', nouns: ['Wireless Over-Ear Headphones', 'Noise-Cancelling Earbuds', 'Studio Headphones', 'Sport Earbuds'], qualifiers: TECH_QUALIFIERS, brands: TECH_BRANDS, price: [49, 349], axes: 'color', colors: TECH_COLORS, variantShare: 0.2, weight: 4, shape: 'round' }),
  cat({ dept: 'electronics', type: 'Electronics > Audio > Speakers', gpc: '249', nouns: ['Bluetooth Speaker', 'Smart Speaker', 'Bookshelf Speakers', 'Soundbar'], qualifiers: TECH_QUALIFIERS, brands: TECH_BRANDS, price: [39, 399], axes: 'color', colors: TECH_COLORS, variantShare: 0.2, weight: 3, shape: 'device' }),
  cat({ dept: 'electronics', type: 'Electronics > Phone Accessories > Cases', gpc: 'Electronics > Communications > Telephony > Mobile Phone Accessories > Mobile Phone Cases', nouns: ['Silicone Case', 'Leather Folio Case', 'Clear Case', 'Rugged Case'], qualifiers: ['MagSafe', 'Slim', 'Eco'], brands: TECH_BRANDS, price: [15, 49], axes: 'color', colors: TECH_COLORS, variantShare: 0.25, weight: 3, shape: 'device' }),
  cat({ dept: 'electronics', type: 'Electronics > Power > Chargers', gpc: 'Electronics > Electronics Accessories > Power > Power Adapters & Chargers', nouns: ['65W USB-C Charger', 'Wireless Charging Pad', '10000 mAh Power Bank', '3-in-1 Charging Stand'], qualifiers: ['GaN', 'Compact', 'Travel'], brands: TECH_BRANDS, price: [19, 79], axes: 'color', colors: TECH_COLORS, variantShare: 0.15, weight: 3, shape: 'box' }),
  cat({ dept: 'electronics', type: 'Electronics > Computer Accessories > Keyboards', gpc: 'Electronics > Electronics Accessories > Computer Components > Input Devices > Keyboards', nouns: ['Mechanical Keyboard', 'Wireless Keyboard', 'Low-Profile Keyboard'], qualifiers: TECH_QUALIFIERS, brands: TECH_BRANDS, price: [49, 199], axes: 'color', colors: TECH_COLORS, variantShare: 0.15, weight: 2, shape: 'device' }),
  // Beauty
  cat({ dept: 'beauty', type: 'Beauty > Skincare > Moisturisers', gpc: 'Health & Beauty > Personal Care > Cosmetics > Skin Care > Lotion & Moisturizer', nouns: ['Face Cream', 'Night Cream', 'Gel Moisturiser', 'Rich Cream'], qualifiers: ['Hyaluronic', 'Vitamin C', 'Ceramide', 'Oat & Aloe'], brands: BEAUTY_BRANDS, price: [14, 69], axes: 'size', colors: SHADE_COLORS, sizes: S.cream, sizePriced: true, variantShare: 0.2, weight: 3, shape: 'bottle' }),
  cat({ dept: 'beauty', type: 'Beauty > Makeup > Lipstick', gpc: 'Health & Beauty > Personal Care > Cosmetics > Makeup > Lip Makeup > Lipstick', nouns: ['Satin Lipstick', 'Matte Lipstick', 'Lip Tint'], qualifiers: ['Long-Wear', 'Velvet', 'Sheer'], brands: BEAUTY_BRANDS, price: [12, 34], axes: 'color', colors: SHADE_COLORS, variantShare: 0.4, weight: 3, shape: 'bottle' }),
  cat({ dept: 'beauty', type: 'Beauty > Fragrance > Eau de Parfum', gpc: 'Health & Beauty > Personal Care > Cosmetics > Perfume & Cologne', nouns: ['Eau de Parfum', 'Eau de Toilette'], qualifiers: ['Neroli', 'Vetiver', 'Rose & Oud', 'Fig Leaf', 'Bergamot'], brands: BEAUTY_BRANDS, price: [39, 139], axes: 'size', colors: SHADE_COLORS, sizes: S.perfume, sizePriced: true, variantShare: 0.3, weight: 3, shape: 'bottle' }),
  cat({ dept: 'beauty', type: 'Beauty > Hair > Shampoo', gpc: 'Health & Beauty > Personal Care > Hair Care > Shampoo & Conditioner', nouns: ['Shampoo', 'Conditioner', 'Solid Shampoo Bar'], qualifiers: ['Repair', 'Volume', 'Rosemary', 'Argan'], brands: BEAUTY_BRANDS, price: [8, 29], axes: 'none', colors: SHADE_COLORS, variantShare: 0, weight: 2, shape: 'bottle' }),
  // Sports
  cat({ dept: 'sports', type: 'Sports > Yoga > Mats', gpc: 'Sporting Goods > Exercise & Fitness > Yoga & Pilates > Yoga & Pilates Mats', nouns: ['Yoga Mat', 'Travel Yoga Mat', 'Cork Yoga Mat'], qualifiers: ['Natural Rubber', 'Non-Slip', 'Eco'], brands: SPORT_BRANDS, price: [25, 89], axes: 'color', colors: SPORT_COLORS, variantShare: 0.25, weight: 3, shape: 'mat' }),
  cat({ dept: 'sports', type: 'Sports > Fitness > Dumbbells', gpc: 'Sporting Goods > Exercise & Fitness > Weight Lifting > Free Weights', nouns: ['Dumbbell Pair', 'Kettlebell', 'Hex Dumbbell'], qualifiers: ['Neoprene', 'Cast-Iron', 'Rubber-Coated'], material: true, brands: SPORT_BRANDS, price: [19, 89], axes: 'size', colors: SPORT_COLORS, sizes: S.weights, sizePriced: true, variantShare: 0.3, weight: 2, shape: 'round' }),
  cat({ dept: 'sports', type: 'Sports > Camping > Tents', gpc: 'Sporting Goods > Outdoor Recreation > Camping & Hiking > Tents', nouns: ['2-Person Tent', 'Ultralight Tent', 'Family Tent'], qualifiers: ['Trekking', 'Four-Season', 'Backpacking'], brands: [B.granite, B.summitLine, B.fjellmark], price: [99, 499], axes: 'none', colors: SPORT_COLORS, variantShare: 0, weight: 2, shape: 'tent' }),
  cat({ dept: 'sports', type: 'Sports > Running > Apparel', gpc: '5322', nouns: ['Running Tee', 'Running Tights', 'Running Jacket', 'Half-Zip Top'], qualifiers: ['Lightweight', 'Thermal', 'Reflective'], brands: SPORT_BRANDS, price: [25, 99], axes: 'color-size', colors: SPORT_COLORS, sizes: S.apparel, gender: 'unisex', age: 'adult', variantShare: 0.5, weight: 4, shape: 'top' }),
  cat({ dept: 'sports', type: 'Sports > Cycling > Helmets', gpc: 'Sporting Goods > Outdoor Recreation > Cycling > Cycling Apparel & Accessories > Bicycle Helmets', nouns: ['Road Helmet', 'Commuter Helmet', 'MTB Helmet'], qualifiers: ['MIPS', 'Aero', 'Urban'], brands: SPORT_BRANDS, price: [49, 199], axes: 'color-size', colors: SPORT_COLORS, sizes: S.helmets, variantShare: 0.35, weight: 2, shape: 'hat' }),
  cat({ dept: 'sports', type: 'Sports > Hydration > Water Bottles', gpc: '3809', nouns: ['Insulated Bottle 750 ml', 'Sports Bottle', 'Trail Flask'], qualifiers: ['Stainless', 'Leakproof', 'BPA-Free'], brands: SPORT_BRANDS, price: [15, 39], axes: 'color', colors: SPORT_COLORS, variantShare: 0.3, weight: 3, shape: 'bottle' }),
  // Toys
  cat({ dept: 'toys', type: 'Toys > Plush > Stuffed Animals', gpc: '1259', nouns: ['Plush Bear', 'Plush Fox', 'Cuddly Rabbit', 'Sleepy Owl'], qualifiers: ['Organic', 'Super-Soft', 'Classic'], brands: TOY_BRANDS, price: [14, 49], axes: 'none', colors: TOY_COLORS, age: 'kids', variantShare: 0, weight: 3, shape: 'toy' }),
  cat({ dept: 'toys', type: 'Toys > Games > Board Games', gpc: 'Toys & Games > Games > Board Games', nouns: ['Strategy Game', 'Family Board Game', 'Cooperative Game', 'Card Game'], qualifiers: ['Harbour Lights', 'Lost Kingdoms', 'Night Market', 'Tiny Towns'], brands: [B.oakwood, B.pebblePlay], price: [19, 59], axes: 'none', colors: TOY_COLORS, variantShare: 0, weight: 3, shape: 'box' }),
  cat({ dept: 'toys', type: 'Toys > Puzzles > Jigsaw Puzzles', gpc: 'Toys & Games > Puzzles > Jigsaw Puzzles', nouns: ['Jigsaw Puzzle'], qualifiers: ['Alpine Lake', 'Botanical Garden', 'City at Night', 'Vintage Map'], brands: [B.oakwood, B.pebblePlay], price: [12, 39], axes: 'size', colors: TOY_COLORS, sizes: S.puzzles, sizePriced: true, variantShare: 0.3, weight: 3, shape: 'box' }),
  cat({ dept: 'toys', type: 'Toys > Vehicles > Toy Cars', gpc: '3551', nouns: ['Toy Car Set', 'Die-Cast Racer', 'Tow Truck'], qualifiers: ['Wooden', 'Pull-Back', 'Classic'], brands: TOY_BRANDS, price: [9, 39], axes: 'color', colors: TOY_COLORS, age: 'kids', variantShare: 0.2, weight: 2, shape: 'toy' }),
  cat({ dept: 'toys', type: 'Toys > Dolls > Dolls', gpc: '1257', nouns: ['Rag Doll', 'Dollhouse Family', 'Baby Doll'], qualifiers: ['Handmade', 'Organic Cotton', 'Classic'], brands: TOY_BRANDS, price: [19, 59], axes: 'none', colors: TOY_COLORS, age: 'kids', variantShare: 0, weight: 2, shape: 'toy' }),
  cat({ dept: 'toys', type: 'Toys > Remote Control > RC Cars', gpc: '3601', nouns: ['RC Off-Road Buggy', 'RC Stunt Car', 'RC Monster Truck'], qualifiers: ['2.4 GHz', 'All-Terrain', 'Turbo'], brands: TOY_BRANDS, price: [39, 149], axes: 'color', colors: TOY_COLORS, age: 'kids', variantShare: 0.2, weight: 2, shape: 'toy' }),
];

/** Cumulative weights for picking a category in one draw. */
const CATEGORY_CDF: number[] = (() => {
  const total = CATEGORIES.reduce((s, c) => s + c.weight, 0);
  let acc = 0;
  return CATEGORIES.map((c) => (acc += c.weight / total));
})();

function pickCategory(rng: Rng): Category {
  const r = rng.next();
  let i = 0;
  while (i < CATEGORY_CDF.length - 1 && r >= CATEGORY_CDF[i]!) i++;
  return CATEGORIES[i]!;
}

interface Copy {
  /** Take the product name (with its qualifier unless that is a material) and the brand. */
  openings: readonly ((name: string, brand: string) => string)[];
  /** Used as well when the qualifier is a material: name without it, brand, material. */
  materialOpenings: readonly ((name: string, brand: string, material: string) => string)[];
  features: readonly string[];
  closers: readonly string[];
}

const COPY: Record<Department, Copy> = {
  apparel: {
    openings: [(n, b) => `${b} designed the ${n} with a relaxed fit and clean, modern lines.`],
    materialOpenings: [
      (n, b, m) => `${b} cuts the ${n} from ${m} for everyday comfort.`,
      (n, b, m) => `A wardrobe staple from ${b}: the ${n} in ${m}.`,
    ],
    features: [
      'Ribbed cuffs and hem keep their shape wash after wash.',
      'Reinforced seams and a tailored but easy fit.',
      'Breathable, soft against the skin and warm without the bulk.',
      'Finished with tonal details and a clean silhouette.',
      'Pre-washed for a lived-in feel from the first wear.',
      'Designed to layer, from cool mornings to late evenings.',
    ],
    closers: ['Machine wash at 30 °C.', 'Hand wash cold; dry flat.', 'Made in Portugal.', 'Made in a family-run mill in Europe.'],
  },
  shoes: {
    openings: [
      (n, b) => `Made for long days on your feet: the ${n} by ${b}.`,
      (n, b) => `${b} made the ${n} to be worn in, not worn out.`,
    ],
    materialOpenings: [(n, b, m) => `${b} builds the ${n} with a ${m} upper and a cushioned footbed.`],
    features: [
      'A grippy rubber outsole handles wet pavements.',
      'The removable insole is made from recycled foam.',
      'Padded collar and tongue for a snug, blister-free fit.',
      'Stitched, not glued, so it can be resoled.',
      'Fits true to size; between sizes, size up.',
    ],
    closers: ['Comes in a recycled shoebox.', 'Clean with a damp cloth.', 'Free returns within 30 days.'],
  },
  home: {
    openings: [
      (n, b) => `Made to be used daily: the ${n} from ${b}.`,
      (n, b) => `${b} designed the ${n} for homes that are lived in.`,
    ],
    materialOpenings: [(n, b, m) => `${b} brings the warmth of ${m} to everyday routines with the ${n}.`],
    features: [
      'Each piece is finished by hand, so no two are quite alike.',
      'Sturdy, easy to clean and made to last for years.',
      'Neutral tones that sit well with wood, stone and linen.',
      'Designed to age beautifully with use.',
      'Sustainably sourced materials, packed without plastic.',
    ],
    closers: ['Designed in Amsterdam.', 'Wipe clean with a soft cloth.', 'Ships in two working days.'],
  },
  electronics: {
    openings: [
      (n, b) => `With the ${n}, ${b} packs big performance into a compact design.`,
      (n, b) => `Meet the ${n} from ${b}: simple to set up, a pleasure to use.`,
      (n, b) => `${b} engineered the ${n} for all-day use.`,
    ],
    materialOpenings: [],
    features: [
      'Up to 30 hours of battery life and fast USB-C charging.',
      'Bluetooth 5.3 with multipoint pairing.',
      'Firmware updates over the air keep it improving.',
      'Recycled aluminium housing, IPX4 splash-resistant.',
      'Works with iOS, Android, Windows and macOS.',
    ],
    closers: ['Two-year warranty included.', 'USB-C cable included.', 'Free shipping and 30-day returns.'],
  },
  beauty: {
    openings: [
      (n, b) => `${b} makes the ${n} in small batches.`,
      (n, b) => `A daily ritual from ${b}: the ${n}.`,
      (n, b) => `The ${n} by ${b} is gentle enough for every day.`,
    ],
    materialOpenings: [],
    features: [
      'Vegan, cruelty-free and dermatologically tested.',
      'Free from parabens, silicones and synthetic dyes.',
      'A lightweight texture that absorbs in seconds.',
      'In a refillable glass bottle.',
    ],
    closers: ['Made in France.', 'Patch test before first use.', 'Store below 25 °C.'],
  },
  sports: {
    openings: [
      (n, b) => `${b} built the ${n} for training in every season.`,
      (n, b) => `Go further with the ${n} from ${b}.`,
      (n, b) => `${b} tested the ${n} on trails and in the gym.`,
    ],
    materialOpenings: [],
    features: [
      'Durable, lightweight and easy to pack.',
      'Moisture-wicking and quick-drying.',
      'Reflective details for low-light sessions.',
      'Made with 60% recycled materials.',
    ],
    closers: ['Two-year warranty.', 'Rinse after use; air dry.', 'Tested in the Norwegian mountains.'],
  },
  toys: {
    openings: [
      (n, b) => `${b} made the ${n} for little hands and big imaginations.`,
      (n, b) => `Hours of play with the ${n} by ${b}.`,
      (n, b) => `The ${n} from ${b}: a gift they will keep coming back to.`,
    ],
    materialOpenings: [],
    features: [
      'Safety-tested to EN 71 and finished with water-based paints.',
      'Made from FSC-certified wood and recycled materials.',
      'Encourages open-ended, screen-free play.',
      'Easy to clean and built to survive siblings.',
    ],
    closers: ['Suitable from 3 years.', 'Not suitable for children under 36 months: small parts.', 'Ships in a gift-ready box.'],
  },
};

// ---------------------------------------------------------------------------------------------
// Building products

interface Ctx {
  seed: number;
  base: string;
  currency: string;
  /** Minor digits of the currency: 0-digit currencies get whole-unit prices. */
  wholeUnits: boolean;
  epoch: number;
}

function pad6(n: number): string {
  return n < 1_000_000 ? String(n).padStart(6, '0') : String(n);
}

function code(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const sizeCodes = new Map<string, string>();

/** Id code of a size (`24 cm` -> `24CM`); sizes come from a small fixed set, so memoised. */
function sizeCode(size: string): string {
  let c = sizeCodes.get(size);
  if (c === undefined) sizeCodes.set(size, (c = code(size)));
  return c;
}

/** Dates are whole days around the epoch, so a few hundred distinct strings serve a million rows. */
const isoCache = new Map<number, string>();

function isoSeconds(ms: number): string {
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    if (isoCache.size >= 4096) isoCache.clear();
    iso = new Date(ms).toISOString().slice(0, 19) + 'Z';
    isoCache.set(ms, iso);
  }
  return iso;
}

/** Price in cents with a shop-like ending: .95, .99 or .00. */
function priceCents(rng: Rng, amount: number): number {
  const whole = Math.max(1, Math.floor(amount));
  const r = rng.next();
  const ending = r < 0.45 ? 95 : r < 0.8 ? 99 : 0;
  return ending === 0 ? whole * 100 : (whole - 1) * 100 + ending;
}

/** Sale price: the discount applied, rounded down to a .95/.99/.00 ending, always below price. */
function saleCents(price: number, discount: number, ending: number): number {
  const target = Math.floor((price * (100 - discount)) / 100);
  const whole = Math.floor(target / 100);
  const cents = ending === 0 ? whole * 100 : (whole - 1) * 100 + ending;
  return Math.max(1, Math.min(cents > 0 ? cents : Math.floor(price / 2), price - 1));
}

function money(ctx: Ctx, cents: number): Money {
  const units = ctx.wholeUnits ? Math.max(1, Math.round(cents / 100)) * 100 : cents;
  return { micros: units * 10_000, currency: ctx.currency };
}

interface Sale {
  discount: number;
  ending: number;
  window: string;
}

function makeSale(rng: Rng, epoch: number): Sale | null {
  if (!rng.chance(0.2)) return null;
  const discount = rng.pick([10, 15, 20, 25, 30, 40, 50]);
  const ending = rng.pick([95, 99, 0]);
  const r = rng.next();
  let start: number;
  let end: number;
  if (r < 0.6) {
    // current: started within the last three weeks, ends within two months
    start = epoch - rng.int(1, 21) * DAY;
    end = epoch + rng.int(7, 60) * DAY;
  } else if (r < 0.8) {
    // past
    end = epoch - rng.int(1, 30) * DAY;
    start = end - rng.int(7, 30) * DAY;
  } else {
    // future
    start = epoch + rng.int(3, 30) * DAY;
    end = start + rng.int(7, 30) * DAY;
  }
  return { discount, ending, window: `${isoSeconds(start)}/${isoSeconds(end + DAY - 1000)}` };
}

interface Stock {
  availability: Availability;
  availability_date: string | null;
  quantity: number | null;
}

function makeStock(rng: Rng, epoch: number): Stock {
  const r = rng.next();
  if (r < 0.85) {
    const quantity = rng.chance(0.05) ? null : rng.chance(0.14) ? rng.int(1, 5) : rng.int(6, 250);
    return { availability: 'in_stock', availability_date: null, quantity };
  }
  if (r < 0.94) return { availability: 'out_of_stock', availability_date: null, quantity: 0 };
  if (r < 0.98) return { availability: 'preorder', availability_date: isoSeconds(epoch + rng.int(7, 90) * DAY), quantity: 0 };
  return { availability: 'backorder', availability_date: isoSeconds(epoch + rng.int(3, 30) * DAY), quantity: 0 };
}

function makeShipping(rng: Rng, ctx: Ctx, priceCentsValue: number): ShippingRule[] {
  if (!rng.chance(0.35)) return [];
  const m = (cents: number): Money => money(ctx, cents);
  const standard = priceCentsValue >= 5000 ? 0 : 495;
  const r = rng.next();
  if (r < 0.5) return [{ country: 'NL', service: 'Standard', price: m(standard) }];
  if (r < 0.75) {
    return [
      { country: 'NL', service: 'Standard', price: m(standard) },
      { country: 'NL', service: 'Express', price: m(995) },
    ];
  }
  return [
    { country: 'NL', service: 'Standard', price: m(standard) },
    { country: 'BE', service: 'Standard', price: m(595) },
    { country: 'DE', service: 'Standard', price: m(695) },
  ];
}

function makeCondition(rng: Rng, dept: Department): Condition {
  const r = rng.next();
  if (dept === 'electronics') return r < 0.86 ? 'new' : r < 0.97 ? 'refurbished' : 'used';
  return r < 0.99 ? 'new' : 'used';
}

function describe(rng: Rng, c: Category, noun: string, brandName: string, qualifier: string): string {
  const copy = COPY[c.dept];
  let opening: string;
  if (c.material) {
    const k = rng.int(0, copy.openings.length + copy.materialOpenings.length - 1);
    opening =
      k < copy.openings.length
        ? copy.openings[k]!(noun, brandName)
        : copy.materialOpenings[k - copy.openings.length]!(noun, brandName, qualifier.toLowerCase());
  } else {
    opening = rng.pick(copy.openings)(`${qualifier} ${noun}`, brandName);
  }
  const features = rng.sample(copy.features, rng.int(1, 2)).join(' ');
  return `${opening} ${features} ${rng.pick(copy.closers)}`;
}

function extraImages(ctx: Ctx, rng: Rng, id: string): string[] {
  const extra = rng.chance(0.4) ? rng.int(1, 3) : 0;
  const links: string[] = [];
  for (let k = 2; k <= extra + 1; k++) links.push(`${ctx.base}/demo/images/${id}-${k}.jpg`);
  return links;
}

interface Overrides {
  category?: number;
  brand?: Brand;
  variants?: number;
  title?: string;
  description?: string;
  color?: string;
  size?: string;
}

/**
 * Deliberately hard values at fixed base positions (all inside the first 10 rows), because
 * the demo exercises XML/CSV escaping and Unicode: ampersands, quotes, commas, angle brackets,
 * line breaks, Greek, Japanese, emoji (astral plane), German typographic quotes and ß.
 */
const HARD: ReadonlyMap<number, Overrides> = new Map<number, Overrides>([
  [1, {
    category: CATEGORIES.findIndex((c) => c.type === 'Home > Kitchen > Mugs & Cups'),
    brand: B.brambleFinch,
    variants: 0,
    title: 'Bramble & Finch "Heritage" Enamel Mug, 350 ml – Cream',
    description: 'Tea & coffee, served "properly" hot. Holds 350 ml, dishwasher-safe <yes, really>.\nSecond line: 5 < 6 & 7 > 3; it\'s \'single\' and "double" quoted, with a comma.',
    color: 'Cream',
  }],
  [2, {
    category: CATEGORIES.findIndex((c) => c.type === 'Apparel > Men > Sweaters'),
    brand: B.nordlicht,
    variants: 0,
    title: 'Nordlicht Μάλλινο πουλόβερ με στρογγυλή λαιμόκοψη – Μπλε, M',
    description: 'Ζεστό πουλόβερ από μαλλί μερινό, απαλό στην επαφή με το δέρμα. Πλένεται στο πλυντήριο στους 30 °C.',
    color: 'Μπλε',
    size: 'M',
  }],
  [3, {
    category: CATEGORIES.findIndex((c) => c.type === 'Apparel > Men > Sweaters'),
    brand: B.nordlicht,
    variants: 0,
    title: 'ノルドリヒト メリノウール クルーネックセーター – ネイビー, M',
    description: '柔らかなメリノウールを使用したクルーネックセーター。通気性が良く、一年中快適に着られます。30 °Cで洗濯機洗い可能。',
    color: 'ネイビー',
    size: 'M',
  }],
  [4, {
    category: CATEGORIES.findIndex((c) => c.type === 'Toys > Plush > Stuffed Animals'),
    brand: B.pebblePlay,
    variants: 0,
    title: 'Pebble Play Plush Octopus 🐙 – Rainbow 🌈',
    description: 'Eight cuddly arms 🐙, each in a different colour 🌈. Machine-washable at 30 °C 👍 Suitable from birth.',
  }],
  [5, {
    category: CATEGORIES.findIndex((c) => c.type === 'Home > Decor > Cushions'),
    brand: B.hearthLoom,
    variants: 0,
    title: 'Hearth & Loom Fußmatte „Willkommen“ – Größe L',
    description: 'Robust & pflegeleicht.\r\nMaße: 60 × 90 cm; rutschfeste Rückseite.\tFür innen und außen.',
    color: 'Natural',
    size: 'L',
  }],
  [6, { category: CATEGORIES.findIndex((c) => c.type === 'Apparel > Men > Sweaters'), brand: B.nordlicht, variants: 3 }],
]);

interface VariantSpec {
  color: DemoColor | null;
  size: string | null;
  sizeIndex: number;
}

function variantSpecs(rng: Rng, c: Category, n: number): VariantSpec[] {
  const specs: VariantSpec[] = [];
  if (c.axes === 'color-size') {
    const palette = rng.sample(c.colors, Math.min(3, Math.max(1, Math.ceil(n / 3))));
    const combos: VariantSpec[] = [];
    for (const color of palette) c.sizes.forEach((size, sizeIndex) => combos.push({ color, size, sizeIndex }));
    specs.push(...rng.sample(combos, n));
  } else if (c.axes === 'color') {
    for (const color of rng.sample(c.colors, n)) specs.push({ color, size: null, sizeIndex: 0 });
  } else if (c.axes === 'size') {
    const color = rng.chance(0.5) ? rng.pick(c.colors) : null;
    for (const [i, size] of c.sizes.entries()) specs.push({ color, size, sizeIndex: i });
    specs.splice(0, specs.length, ...rng.sample(specs, n));
  }
  return specs;
}

function suffixOf(color: string | null, size: string | null): string {
  if (color && size) return ` – ${color}, ${size}`;
  if (color || size) return ` – ${color ?? size}`;
  return '';
}

/** All rows of base product j: one single, or a parent followed by its variants in id order. */
function buildFamily(ctx: Ctx, j: number): Product[] {
  const rng = baseRng(ctx.seed, j);
  const hard = HARD.get(j);
  const c = hard?.category !== undefined ? CATEGORIES[hard.category]! : pickCategory(rng);
  const brandOf = hard?.brand ?? rng.pick(c.brands);
  const noun = rng.pick(c.nouns);
  const qualifier = rng.pick(c.qualifiers);
  const name = `${qualifier} ${noun}`;
  const baseTitle = `${brandOf.name} ${name}`;
  const description = hard?.description ?? describe(rng, c, noun, brandOf.name, qualifier);
  const basePrice = priceCents(rng, c.price[0] + rng.next() * (c.price[1] - c.price[0]));
  const sale = makeSale(rng, ctx.epoch);
  const condition = makeCondition(rng, c.dept);
  const mpn = `${brandOf.code}-${(rng.uint32() % 2_176_782_336).toString(36).toUpperCase().padStart(6, '0')}`;
  const pattern = c.dept === 'apparel' && rng.chance(0.15) ? rng.pick(['Striped', 'Checked', 'Herringbone', 'Cable Knit']) : null;
  const shipping = makeShipping(rng, ctx, basePrice);
  const id = `P-${pad6(j + 1)}`;

  const variantCount = hard?.variants ?? (c.axes !== 'none' && rng.chance(c.variantShare) ? rng.int(2, 6) : 0);
  const specs = variantCount > 0 ? variantSpecs(rng, c, variantCount) : [];

  const row = (
    rowId: string,
    title: string,
    color: string | null,
    size: string | null,
    sizeIndex: number,
    group: string | null,
    gtin: string | null,
    rowMpn: string,
    stock: Stock,
  ): Product => {
    const price = c.sizePriced ? priceCents(rng, (basePrice / 100) * (1 + 0.45 * sizeIndex)) : basePrice;
    return {
      id: rowId,
      title,
      description,
      link: `${ctx.base}/p/${rowId}`,
      image_link: `${ctx.base}/demo/images/${rowId}.jpg`,
      additional_image_link: extraImages(ctx, rng, rowId),
      availability: stock.availability,
      availability_date: stock.availability_date,
      price: money(ctx, price),
      sale_price: sale ? money(ctx, saleCents(price, sale.discount, sale.ending)) : null,
      sale_price_effective_date: sale ? sale.window : null,
      brand: brandOf.name,
      gtin,
      mpn: rowMpn,
      identifier_exists: null,
      condition,
      google_product_category: c.gpc,
      product_type: c.type,
      item_group_id: group,
      color,
      size,
      gender: c.gender,
      age_group: c.age,
      material: c.material ? qualifier : null,
      pattern,
      quantity: stock.quantity,
      shipping,
      custom_label_0: null,
      custom_label_1: null,
      custom_label_2: null,
      custom_label_3: null,
      custom_label_4: null,
      extra: {},
    };
  };

  if (specs.length === 0) {
    // A single: sized and coloured like one variant of its kind would be.
    let color: string | null = null;
    let size: string | null = null;
    let sizeIndex = 0;
    if (c.axes === 'color-size' || c.axes === 'color' || (c.axes === 'none' && c.dept !== 'toys' && rng.chance(0.5))) {
      color = rng.pick(c.colors).name;
    }
    if (c.axes === 'color-size' || c.axes === 'size') {
      sizeIndex = rng.int(0, c.sizes.length - 1);
      size = c.sizes[sizeIndex]!;
    }
    if (hard?.color !== undefined) color = hard.color;
    if (hard?.size !== undefined) size = hard.size;
    const title = hard?.title ?? baseTitle + suffixOf(color, size);
    return [row(id, title, color, size, sizeIndex, null, makeGtin(brandOf.gs1, j, 0), mpn, makeStock(rng, ctx.epoch))];
  }

  const variants = specs
    .map((s) => ({
      color: s.color,
      size: s.size,
      sizeIndex: s.sizeIndex,
      id: s.color === null ? `${id}-${sizeCode(s.size!)}` : s.size === null ? `${id}-${s.color.code}` : `${id}-${s.color.code}-${sizeCode(s.size)}`,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows: Product[] = [];
  const variantRows = variants.map((v, k) =>
    row(
      v.id,
      baseTitle + suffixOf(v.color?.name ?? null, v.size),
      v.color?.name ?? null,
      v.size,
      v.sizeIndex,
      id,
      makeGtin(brandOf.gs1, j, k + 1),
      `${mpn}-${v.id.slice(id.length + 1)}`,
      makeStock(rng, ctx.epoch),
    ),
  );
  // The parent: the group's shared data, no item_group_id, no GTIN (it is not a sellable unit).
  const anyInStock = variantRows.some((v) => v.availability === 'in_stock');
  const parent = row(id, hard?.title ?? baseTitle, null, null, 0, null, null, mpn, {
    availability: anyInStock ? 'in_stock' : 'out_of_stock',
    availability_date: null,
    quantity: null,
  });
  parent.price = variantRows.reduce((min, v) => (v.price.micros < min.micros ? v.price : min), variantRows[0]!.price);
  if (sale) parent.sale_price = money(ctx, saleCents(parent.price.micros / 10_000, sale.discount, sale.ending));
  rows.push(parent, ...variantRows);
  return rows;
}

function makeCtx(opts: CatalogOptions): Ctx {
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new RangeError(`count must be a non-negative integer, got ${opts.count}`);
  const currency = opts.currency ?? 'EUR';
  let wholeUnits = false;
  try {
    wholeUnits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits === 0;
  } catch {
    throw new RangeError(`unknown currency "${currency}"`);
  }
  return {
    seed: (opts.seed ?? DEFAULT_SEED) >>> 0,
    base: opts.baseUrl.replace(/\/+$/, ''),
    currency,
    wholeUnits,
    epoch: opts.epoch ?? DEMO_EPOCH,
  };
}

/**
 * `count` deterministic products. Lazy: memory stays flat whatever the count. Row i is the
 * same for every count > i, so a smaller catalog is always a prefix of a larger one.
 */
export function* generateProducts(opts: CatalogOptions): Generator<Product> {
  const ctx = makeCtx(opts);
  let emitted = 0;
  for (let j = 0; emitted < opts.count; j++) {
    for (const p of buildFamily(ctx, j)) {
      if (emitted >= opts.count) return;
      yield p;
      emitted++;
    }
  }
}

/**
 * What the demo image for a product id should show: the silhouette of its category and its
 * colour (hex), so the navy sweater's photo is a navy sweater. Extra images (`<id>-2`) look
 * like their product. Null for ids the demo catalog does not make; cheap (one family built).
 */
export function demoLook(id: string, seed: number = DEFAULT_SEED): { shape: DemoShape; color: string | null } | null {
  const m = /^P-(\d{6,7})(?:-|$)/.exec(id);
  if (!m) return null;
  const j = Number(m[1]) - 1;
  if (j < 0) return null;
  const hard = HARD.get(j);
  const c = hard?.category !== undefined ? CATEGORIES[hard.category]! : pickCategory(baseRng(seed >>> 0, j));
  const family = buildFamily({ seed: seed >>> 0, base: '', currency: 'EUR', wholeUnits: false, epoch: DEMO_EPOCH }, j);
  const row = family.find((p) => p.id === id) ?? family.find((p) => p.id === id.replace(/-\d+$/, ''));
  if (!row) return null;
  // A group's parent shows its first variant.
  const colorName = row.color ?? family[1]?.color ?? null;
  const color = colorName === null ? null : (DEMO_COLORS.get(code(colorName))?.hex ?? null);
  return { shape: c.shape, color };
}

// ---------------------------------------------------------------------------------------------
// CSV and NDJSON

/** CSV columns: Google attribute names, the order every demo upload uses. */
export const CSV_COLUMNS = [
  'id',
  'title',
  'description',
  'link',
  'image_link',
  'additional_image_link',
  'availability',
  'availability_date',
  'price',
  'sale_price',
  'sale_price_effective_date',
  'brand',
  'gtin',
  'mpn',
  'condition',
  'google_product_category',
  'product_type',
  'item_group_id',
  'color',
  'size',
  'gender',
  'age_group',
  'quantity',
  'shipping',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: quote a field when it holds a quote, comma or line break; double inner quotes. */
function q(value: string | null): string {
  if (value === null || value === '') return '';
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `country:region:service:price`, Google's text form of one shipping rule. */
export function formatShipping(rule: ShippingRule): string {
  return `${rule.country}:${rule.region ?? ''}:${rule.service ?? ''}:${formatMoney(rule.price)}`;
}

/**
 * Rows of one family share their description and shipping: quote those once per family.
 * Ids, GTINs, MPNs, dates and (for a plain base URL) links are made from characters that
 * never need quoting, so they skip the check: a measurable share of the CSV's cost.
 */
interface CsvMemo {
  urlQ: (value: string | null) => string;
  description: string;
  descriptionQ: string;
  shipping: ShippingRule[] | null;
  shippingQ: string;
}

function csvRow(p: Product, memo: CsvMemo): string {
  if (p.description !== memo.description) {
    memo.description = p.description;
    memo.descriptionQ = q(p.description);
  }
  if (p.shipping !== memo.shipping) {
    memo.shipping = p.shipping;
    memo.shippingQ = p.shipping.length === 0 ? '' : q(p.shipping.map(formatShipping).join(','));
  }
  return (
    p.id + ',' +
    q(p.title) + ',' +
    memo.descriptionQ + ',' +
    memo.urlQ(p.link) + ',' +
    memo.urlQ(p.image_link) + ',' +
    (p.additional_image_link.length === 0 ? '' : q(p.additional_image_link.join(','))) + ',' +
    p.availability + ',' +
    (p.availability_date ?? '') + ',' +
    formatMoney(p.price) + ',' +
    (p.sale_price ? formatMoney(p.sale_price) : '') + ',' +
    (p.sale_price_effective_date ?? '') + ',' +
    q(p.brand) + ',' +
    (p.gtin ?? '') + ',' +
    (p.mpn ?? '') + ',' +
    p.condition + ',' +
    q(p.google_product_category) + ',' +
    q(p.product_type) + ',' +
    (p.item_group_id ?? '') + ',' +
    q(p.color) + ',' +
    q(p.size) + ',' +
    (p.gender ?? '') + ',' +
    (p.age_group ?? '') + ',' +
    (p.quantity === null ? '' : String(p.quantity)) + ',' +
    memo.shippingQ +
    '\r\n'
  );
}

function chunkRows(opts: ChunkOptions): number {
  const n = opts.chunkRows ?? 1000;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`chunkRows must be a positive integer, got ${n}`);
  return n;
}

/** The catalog as CSV text: the header line, then rows, `chunkRows` rows per yielded string (CRLF line ends). */
export function* generateCsvChunks(opts: ChunkOptions): Generator<string> {
  const per = chunkRows(opts);
  const plainBase = !NEEDS_QUOTES.test(opts.baseUrl);
  const memo: CsvMemo = { urlQ: plainBase ? (v) => v ?? '' : q, description: '', descriptionQ: '', shipping: null, shippingQ: '' };
  let chunk = CSV_COLUMNS.join(',') + '\r\n';
  let rows = 0;
  for (const p of generateProducts(opts)) {
    chunk += csvRow(p, memo);
    if (++rows === per) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

/** One product as a JSON-ready object: the CSV's attribute names, prices as `49.95 EUR`, empty fields left out. */
export function toFeedRecord(p: Product): Record<string, unknown> {
  const r: Record<string, unknown> = { id: p.id, title: p.title, description: p.description, link: p.link };
  if (p.image_link) r.image_link = p.image_link;
  if (p.additional_image_link.length > 0) r.additional_image_link = p.additional_image_link;
  r.availability = p.availability;
  if (p.availability_date) r.availability_date = p.availability_date;
  r.price = formatMoney(p.price);
  if (p.sale_price) r.sale_price = formatMoney(p.sale_price);
  if (p.sale_price_effective_date) r.sale_price_effective_date = p.sale_price_effective_date;
  if (p.brand) r.brand = p.brand;
  if (p.gtin) r.gtin = p.gtin;
  if (p.mpn) r.mpn = p.mpn;
  r.condition = p.condition;
  if (p.google_product_category) r.google_product_category = p.google_product_category;
  if (p.product_type) r.product_type = p.product_type;
  if (p.item_group_id) r.item_group_id = p.item_group_id;
  if (p.color) r.color = p.color;
  if (p.size) r.size = p.size;
  if (p.gender) r.gender = p.gender;
  if (p.age_group) r.age_group = p.age_group;
  if (p.quantity !== null) r.quantity = p.quantity;
  if (p.shipping.length > 0) {
    r.shipping = p.shipping.map((s) => ({
      country: s.country,
      ...(s.region ? { region: s.region } : {}),
      ...(s.service ? { service: s.service } : {}),
      price: formatMoney(s.price),
    }));
  }
  return r;
}

/** The catalog as NDJSON: one JSON object per line (see toFeedRecord), `chunkRows` lines per chunk. */
export function* generateNdjsonChunks(opts: ChunkOptions): Generator<string> {
  const per = chunkRows(opts);
  let chunk = '';
  let rows = 0;
  for (const p of generateProducts(opts)) {
    chunk += JSON.stringify(toFeedRecord(p)) + '\n';
    if (++rows === per) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

/** Pull-based byte stream of text chunks: a chunk is generated and encoded only when the reader asks. */
export function textStream(chunks: Iterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel() {
        chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The CSV catalog as a stream, e.g. the body of a 1M-row upload, never materialised. */
export function csvStream(opts: ChunkOptions): ReadableStream<Uint8Array> {
  return textStream(generateCsvChunks(opts));
}

export function ndjsonStream(opts: ChunkOptions): ReadableStream<Uint8Array> {
  return textStream(generateNdjsonChunks(opts));
}
