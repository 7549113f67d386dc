/**
 * Feed definitions: the declarative `feeds/*.json` files that say which channel a feed is for,
 * which products go in (filter) and how their values are adjusted first (rules). Validated once
 * at startup with zod, so a typo in a field name fails loudly, naming the file, instead of
 * silently emitting an empty column for months.
 *
 * See feeds/README.md for the format with examples.
 */
import { z } from 'zod';
import { TEMPLATES } from '../../templates/index';
import { AVAILABILITIES, CONDITIONS, CUSTOM_LABEL_KEYS } from '../catalog/product';
import { CREATIVE_SIZES, DEFAULT_SIZE, type CreativeSizeName } from '../creative/sizes';
import { LABELS } from '../insights/labels';
import { CHANNEL_NAMES, FEED_FORMATS } from './channels/channel';
import { CHANNELS } from './channels/index';
import { ENUM_FIELDS, isEnumField, isReadableField, isWritableField } from './fields';
import { templateFields } from './template';

const readableField = z.string().refine(isReadableField, {
  error: (issue) => `unknown field "${String(issue.input)}" (use a product attribute or extra.<column>)`,
});
const writableField = z.string().refine(isWritableField, {
  error: (issue) => `field "${String(issue.input)}" cannot be set by a rule (id, price and lists are read-only)`,
});

const template = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const parsed = templateFields(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return;
    }
    for (const field of parsed)
      if (!isReadableField(field)) ctx.addIssue({ code: 'custom', message: `unknown field "{${field}}" in template` });
  });

/** `{ field, op, value }`: the test used by custom filter clauses and by a rule's `when`. */
function condition<Extra extends z.core.$ZodLooseShape>(extra: Extra) {
  const scalar = z.union([z.string(), z.number(), z.boolean()]);
  return z.discriminatedUnion('op', [
    z.strictObject({ ...extra, field: readableField, op: z.enum(['eq', 'neq']), value: scalar }),
    z.strictObject({ ...extra, field: readableField, op: z.literal('contains'), value: z.string().min(1) }),
    z.strictObject({
      ...extra,
      field: readableField,
      op: z.literal('in'),
      value: z.array(z.union([z.string(), z.number()])).min(1),
    }),
    z.strictObject({ ...extra, field: readableField, op: z.literal('exists'), value: z.boolean().optional() }),
    z.strictObject({ ...extra, field: readableField, op: z.enum(['gt', 'lt']), value: z.number() }),
  ]);
}

export const conditionSchema = condition({});
export type Condition = z.output<typeof conditionSchema>;

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Which products go in. Every key is one clause, and a product must pass all of them; the
 * key (or a custom clause's `name`) is how diagnostics report what each clause removed.
 */
export const filterSchema = z.strictObject({
  availability: z.array(z.enum(AVAILABILITIES)).min(1).optional(),
  condition: z.array(z.enum(CONDITIONS)).min(1).optional(),
  /** case-insensitive prefix of product_type, e.g. `Apparel` keeps `Apparel > Shirts` */
  product_type_prefix: oneOrMany.optional(),
  /** regular price in the product's currency units, both ends inclusive */
  price: z
    .strictObject({ min: z.number().nonnegative().optional(), max: z.number().nonnegative().optional() })
    .refine((p) => p.min !== undefined || p.max !== undefined, 'price needs min, max or both')
    .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, 'price min is above max')
    .optional(),
  /** case-insensitive brand names to keep */
  brand: oneOrMany.optional(),
  /** ids to leave out, e.g. products a merchant may not advertise */
  exclude_ids: z.array(z.string().min(1)).optional(),
  /** keep products for which every condition holds */
  custom: z.array(condition({ name: z.string().min(1).max(80).optional() })).optional(),
});
export type FeedFilter = z.output<typeof filterSchema>;

const when = conditionSchema.optional();

/**
 * Rules run in order on a copy of each product, after the filter and before the channel
 * check. Each may carry a `when` condition and then runs only for products that meet it.
 */
export const ruleSchema = z.union(
  [
    /** copy another attribute (when it is not empty) */
    z.strictObject({ set: writableField, from: readableField, when }),
    /** fill the attribute only when it is empty */
    z.strictObject({ set: writableField, default: z.string().min(1), when }),
    /** `{brand} {title} {color}`: empty fields collapse without leaving double spaces */
    z.strictObject({ set: writableField, template, when }),
    /** a fixed value; '' or null clears an optional attribute */
    z.strictObject({ set: writableField, value: z.string().nullable(), when }),
    /** shorten at a word boundary */
    z.strictObject({ truncate: writableField, max: z.int().positive(), when }),
    /**
     * the first performance label (src/insights/labels.ts) the product has, in the order
     * listed; the custom label is left as it is when the product has none of them
     */
    z.strictObject({
      set: z.enum(CUSTOM_LABEL_KEYS),
      from_labels: z
        .array(z.enum(LABELS))
        .min(1)
        .refine((list) => new Set(list).size === list.length, 'a label is listed twice'),
      when,
    }),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null && 'from_labels' in issue.input
        ? `{set, from_labels} sets custom_label_0 … custom_label_4 from a list of distinct labels: ${LABELS.join(', ')}`
        : 'a rule is one of {set, from}, {set, default}, {set, template}, {set, value}, {set, from_labels} or {truncate, max}, each with an optional when',
  },
);
export type FeedRule = z.output<typeof ruleSchema>;

/** Image formats a feed's creatives come in: what every ad platform takes for image_link. */
export const FEED_IMAGE_FORMATS = ['jpg', 'png'] as const;

const SIZE_NAMES = Object.keys(CREATIVE_SIZES) as [CreativeSizeName, ...CreativeSizeName[]];

/** Product templates a feed may use: visitor templates show one visitor's items, not a product. */
function productTemplateNames(): string[] {
  return TEMPLATES.filter((t) => t.kind === 'product').map((t) => t.name);
}

/**
 * `image`: image_link becomes this creative of the product (the original photo moves to the
 * front of additional_image_link). Whether the channel accepts the template's overlays is not
 * checked here: definitions are copied between channels, so a Google feed with an overlay
 * template keeps its photos and says why in diagnostics (src/feeds/creative-links.ts).
 */
export const imageSchema = z.strictObject({
  template: z.string().superRefine((name, ctx) => {
    const known = TEMPLATES.find((t) => t.name === name);
    if (known?.kind === 'product') return;
    const names = productTemplateNames().join(', ');
    ctx.addIssue({
      code: 'custom',
      message: known
        ? `"${name}" is a ${known.kind} template; a feed's image is a product template: ${names}`
        : `unknown image template "${name.slice(0, 60)}"; product templates: ${names}`,
    });
  }),
  size: z.enum(SIZE_NAMES, { error: `size is one of ${SIZE_NAMES.join(', ')}` }).default(DEFAULT_SIZE),
  format: z.enum(FEED_IMAGE_FORMATS, { error: `format is ${FEED_IMAGE_FORMATS.join(' or ')}` }).default('jpg'),
});
export type FeedImage = z.output<typeof imageSchema>;

/** Google's limit on a custom label's value; longer values are cut (with a warning) by the channel check. */
export const CUSTOM_LABEL_MAX_CHARS = 100;

export const FEED_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const definitionSchema = z
  .strictObject({
    /** the `:feed` in `/feeds/:catalog/:feed.xml` */
    name: z.string().regex(FEED_NAME, 'name must be lower-case letters, digits, - or _ (it is part of the URL)'),
    channel: z.enum(CHANNEL_NAMES),
    format: z.enum(FEED_FORMATS),
    /** feed title; the catalog's title when absent */
    title: z.string().min(1).max(150).optional(),
    filter: filterSchema.optional(),
    rules: z.array(ruleSchema).optional(),
    /** needs a token (HTTP Basic or `?token=`) to fetch */
    protected: z.boolean().optional(),
    /** a creative of each product as image_link (see imageSchema) */
    image: imageSchema.optional(),
  })
  .superRefine((def, ctx) => {
    const channel = CHANNELS[def.channel];
    if (!channel.formats.includes(def.format))
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: `${channel.label} feeds are ${channel.formats.join(', ')}, not ${def.format}`,
      });
    def.rules?.forEach((rule, i) => {
      const field = 'set' in rule ? rule.set : rule.truncate;
      const fixed = 'value' in rule ? rule.value : 'default' in rule ? rule.default : undefined;
      if (isEnumField(field) && fixed !== undefined) {
        const allowed: readonly string[] = ENUM_FIELDS[field];
        if (fixed === null || !allowed.includes(fixed))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i],
            message: `${field} must be one of ${allowed.join(', ')}`,
          });
      }
      if ('truncate' in rule && isEnumField(field))
        ctx.addIssue({ code: 'custom', path: ['rules', i], message: `${field} cannot be truncated` });
      if (field.startsWith('custom_label_') && typeof fixed === 'string' && Array.from(fixed).length > CUSTOM_LABEL_MAX_CHARS)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i],
          message: `${field} values are at most ${CUSTOM_LABEL_MAX_CHARS} characters (Google's limit)`,
        });
    });
  });

export type FeedDefinition = z.output<typeof definitionSchema>;

export class FeedDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid feed definitions:\n  ${problems.join('\n  ')}`);
    this.name = 'FeedDefinitionError';
  }
}

/**
 * Validates every definition and throws one error listing every problem, each prefixed with
 * its file and the path inside it (`feeds/meta.json: rules[1].set: ...`), so a broken
 * definition stops startup with a message that says where to look.
 */
export function parseDefinitions(raw: ReadonlyArray<{ file: string; json: unknown }>): FeedDefinition[] {
  const problems: string[] = [];
  const definitions: FeedDefinition[] = [];
  const files = new Map<string, string>();
  for (const { file, json } of raw) {
    const result = definitionSchema.safeParse(json);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`${file}: ${formatPath(issue.path)}${issue.message}`);
      continue;
    }
    const earlier = files.get(result.data.name);
    if (earlier !== undefined) {
      problems.push(`${file}: name "${result.data.name}" is already used by ${earlier}`);
      continue;
    }
    files.set(result.data.name, file);
    definitions.push(result.data);
  }
  if (problems.length > 0) throw new FeedDefinitionError(problems);
  return definitions;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return `${out}: `;
}
