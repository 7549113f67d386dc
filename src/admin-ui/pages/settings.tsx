/**
 * The Settings tab (`/admin/c/:catalog`): the catalog's settings form, the brand kit (colours,
 * corner style, logo) and a live creative preview.
 *
 * - `POST /admin/c/:catalog/settings`: the settings form, validated with catalogSettingsSchema
 *   over the current settings; errors re-render the form next to the fields with what was typed.
 * - `POST /admin/c/:catalog/brand-kit`: colours and corner style, merged over the stored kit like
 *   `PUT /admin/catalogs/:catalog/brand-kit` (or `action=reset`: back to the defaults).
 * - `POST /admin/c/:catalog/brand-kit/logo`: a multipart logo upload, normalised exactly like
 *   `PUT …/brand-kit/logo` (normaliseLogo); `POST …/brand-kit/logo/remove` drops it.
 *
 * Successes redirect (303) back with a fixed notice key, so a reload never re-posts.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { TEMPLATES } from '../../../templates/index';
import type { Catalog } from '../../catalog/catalog';
import { CONSENT_MODES } from '../../catalog/catalog';
import { catalogDefaults, catalogSettingsSchema } from '../../catalog/settings-schema';
import { brandKitPatchSchema, brandKitSchema, CORNER_STYLES, DEFAULT_BRAND_KIT, type BrandKitColours } from '../../creative/brand-kit';
import { MAX_LOGO_BYTES, normaliseLogo, noRenderer } from '../../creative/brand-routes';
import { productCreativePath } from '../../creative/urls';
import { AppError } from '../../errors';
import type { CatalogSettings } from '../../store/port';
import { readForm, text, uiCatalog, type UiContext, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';

const SETTINGS_FIELDS = [
  'title',
  'link',
  'currency',
  'locale',
  'timezone',
  'consent_mode',
  'allowed_origins',
  'retention_days',
  'max_drop_share',
] as const;
type SettingsField = (typeof SETTINGS_FIELDS)[number];
type FieldErrors<K extends string> = Partial<Record<K, string>>;

const COLOUR_FIELDS = [
  ['primary', 'Primary', 'Badges and call-to-action bars'],
  ['on_primary', 'Text on primary', 'Text drawn on the primary colour'],
  ['accent', 'Accent', 'Sale and urgency highlights'],
  ['on_accent', 'Text on accent', 'Text drawn on the accent colour'],
  ['background', 'Background', 'Canvas behind photos and collages'],
  ['text', 'Text', 'Body text on the background'],
] as const;
type ColourField = (typeof COLOUR_FIELDS)[number][0];

const CORNER_LABELS: Record<(typeof CORNER_STYLES)[number], string> = {
  square: 'Square',
  rounded: 'Rounded',
  pill: 'Pill',
};

/** Fixed success messages by key: the redirect never carries free text to reflect. */
const SAVED: Record<string, { text: string; section: 'settings' | 'brand' | 'logo' }> = {
  settings: { text: 'Settings saved.', section: 'settings' },
  brand: { text: 'Brand kit saved: creatives use the new colours from now on.', section: 'brand' },
  'brand-reset': { text: 'Brand colours are back to the defaults.', section: 'brand' },
  logo: { text: 'Logo uploaded.', section: 'logo' },
  'logo-removed': { text: 'Logo removed.', section: 'logo' },
};

/** The form's text for each setting, from the catalog as stored. */
function settingsValues(catalog: Catalog): Record<SettingsField, string> {
  const current = currentSettings(catalog);
  return {
    ...current,
    allowed_origins: current.allowed_origins.join('\n'),
    retention_days: String(current.retention_days),
    max_drop_share: String(current.max_drop_share),
  };
}

function currentSettings(catalog: Catalog): CatalogSettings {
  return {
    title: catalog.title,
    link: catalog.link,
    currency: catalog.currency,
    locale: catalog.locale,
    timezone: catalog.timezone,
    consent_mode: catalog.consent_mode,
    allowed_origins: catalog.allowed_origins,
    retention_days: catalog.retention_days,
    max_drop_share: catalog.max_drop_share,
  };
}

const numberOrNaN = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

/** Form text → settings, validated over the current ones; field messages when it does not pass. */
export function parseSettingsForm(
  catalog: Catalog,
  values: Record<SettingsField, string>,
): { ok: true; settings: CatalogSettings } | { ok: false; errors: FieldErrors<SettingsField> } {
  const origins = values.allowed_origins
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim())
    .filter(Boolean);
  const candidate = {
    ...catalogDefaults,
    ...currentSettings(catalog),
    title: values.title,
    link: values.link,
    currency: values.currency,
    locale: values.locale,
    timezone: values.timezone,
    consent_mode: values.consent_mode,
    allowed_origins: origins,
    retention_days: numberOrNaN(values.retention_days),
    max_drop_share: numberOrNaN(values.max_drop_share),
  };
  const parsed = catalogSettingsSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const errors: FieldErrors<SettingsField> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as SettingsField | undefined;
    if (!field || errors[field]) continue;
    if (field === 'allowed_origins' && typeof issue.path[1] === 'number') {
      errors[field] = `Line ${issue.path[1] + 1} (${origins[issue.path[1]]!.slice(0, 80)}): ${issue.message}`;
    } else if ((field === 'retention_days' || field === 'max_drop_share') && Number.isNaN(candidate[field])) {
      errors[field] = 'Enter a number.';
    } else if (field === 'title' && values.title.trim() === '') {
      errors[field] = 'Enter the shop name.';
    } else if (field === 'consent_mode') {
      errors[field] = 'Choose opt-in or opt-out.';
    } else {
      errors[field] = issue.message;
    }
  }
  return { ok: false, errors };
}

/** The kit's effective colours: stored over the defaults (like brandKitFrom), for the form. */
function effectiveColours(stored: Record<string, string> | null): BrandKitColours {
  const parsed = brandKitSchema.safeParse({ ...DEFAULT_BRAND_KIT, ...(stored ?? {}) });
  return parsed.success ? parsed.data : DEFAULT_BRAND_KIT;
}

/** `<input type=color>` only takes #rrggbb. */
function sixDigit(hex: string): string {
  const h = hex.toLowerCase();
  return /^#[0-9a-f]{3}$/.test(h) ? `#${h[1]}${h[1]}${h[2]}${h[2]}${h[3]}${h[3]}` : h;
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string) => {
    const h = sixDigit(hex);
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const CONTRAST_PAIRS = [
  ['primary', 'on_primary', 'Text on primary'],
  ['accent', 'on_accent', 'Text on accent'],
  ['background', 'text', 'Text on background'],
] as const;

interface SettingsView {
  notice?: string | undefined;
  values?: Record<SettingsField, string>;
  errors?: FieldErrors<SettingsField>;
  brandValues?: Record<ColourField | 'corner', string>;
  brandErrors?: FieldErrors<ColourField | 'corner'>;
  logoError?: string;
}

function FieldError(props: { id: string; message: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={props.id} style="color:#b91c1c;font-weight:600;margin:2px 0">
      {props.message}
    </p>
  ) : null;
}

/** aria-describedby for a field: its hint and, when there is one, its error. */
const describedBy = (name: string, hint: boolean, error: string | undefined) =>
  [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

interface TextInput {
  /** the input's type; text when not given */
  type?: string;
  hint?: string;
  extra: Record<string, string | number | boolean>;
}

/** How each typed-in setting is asked for (its label is FIELD_LABELS'). */
const TEXT_INPUTS = {
  title: { extra: { required: true, maxlength: 150 } },
  link: {
    type: 'url',
    hint: "The shop's home page; relative product links and images are resolved against it.",
    extra: { required: true, placeholder: 'https://shop.example.com' },
  },
  currency: {
    hint: 'ISO 4217 code prices default to, e.g. EUR.',
    extra: { maxlength: 3, autocapitalize: 'characters', autocomplete: 'off', spellcheck: false },
  },
  locale: { hint: 'BCP 47, e.g. nl-NL: number and date formats in creatives.', extra: { autocomplete: 'off', spellcheck: false } },
  timezone: {
    hint: 'IANA name, e.g. Europe/Amsterdam: sale windows are read in it.',
    extra: { list: 'timezones', autocomplete: 'off', spellcheck: false },
  },
  retention_days: {
    type: 'number',
    hint: 'Visitor events older than this are deleted (1–3650).',
    extra: { min: 1, max: 3650, step: 1, inputmode: 'numeric' },
  },
  max_drop_share: {
    type: 'number',
    hint: '0–1: a replace import that would remove more than this share of the catalog (0.3 = 30 %) waits for confirmation.',
    extra: { min: 0, max: 1, step: 0.01, inputmode: 'decimal' },
  },
} satisfies Partial<Record<SettingsField, TextInput>>;
type TextSetting = keyof typeof TEXT_INPUTS;

function TextField(props: { name: TextSetting; values: Record<SettingsField, string>; errors: FieldErrors<SettingsField> }) {
  const { name } = props;
  const input: TextInput = TEXT_INPUTS[name];
  const error = props.errors[name];
  return (
    <div>
      <label for={name}>{FIELD_LABELS[name]}</label>
      <input
        id={name}
        name={name}
        type={input.type ?? 'text'}
        value={props.values[name]}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, Boolean(input.hint), error)}
        {...input.extra}
      />
      {input.hint ? (
        <p class="hint" id={`${name}-hint`}>
          {input.hint}
        </p>
      ) : null}
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}

async function renderSettings(c: UiContext, catalog: Catalog, view: SettingsView, status: 200 | 400 | 413 | 415 | 422 | 503 = 200) {
  const { store, creative, templates } = c.get('deps');
  const csrf = c.get('csrf');
  const values = view.values ?? settingsValues(catalog);
  const errors = view.errors ?? {};
  const kit = await store.getBrandKit(catalog.id);
  const colours = effectiveColours(kit.colours);
  const brandValues = view.brandValues ?? { ...colours };
  const brandErrors = view.brandErrors ?? {};
  const saved = view.notice ? SAVED[view.notice] : undefined;
  const hasBadge = Boolean(creative) && (templates ?? TEMPLATES).some((t) => t.name === 'badge' && t.kind === 'product');
  const first = (await store.searchProducts(catalog.id, { limit: 1 })).items[0];
  const errorCount = Object.keys(errors).length;
  const timeZones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const slug = catalog.slug;
  const field = (name: TextSetting) => <TextField name={name} values={values} errors={errors} />;

  return c.html(
    <Page title="Settings" csrf={csrf} catalog={catalog} tab="overview">
      <p class="hint">
        Slug <code>{slug}</code> · catalog version {catalog.version} · updated {catalog.updated_at.slice(0, 16).replace('T', ' ')} UTC
      </p>

      <section aria-labelledby="settings-heading" id="settings">
        <h2 id="settings-heading">Catalog settings</h2>
        {saved?.section === 'settings' ? <Notice kind="ok">{saved.text}</Notice> : null}
        {errorCount ? (
          <Notice kind="error">
            <p style="margin:0">
              {errorCount === 1 ? 'One setting needs' : `${errorCount} settings need`} fixing; nothing was saved:
            </p>
            <ul style="margin:4px 0 0">
              {SETTINGS_FIELDS.filter((f) => errors[f]).map((f) => (
                <li>
                  <a href={`#${f}`}>{FIELD_LABELS[f]}</a>: {errors[f]}
                </li>
              ))}
            </ul>
          </Notice>
        ) : null}
        <form method="post" action={catalogPath(slug, '/settings')} class="card" novalidate>
          <input type="hidden" name="_csrf" value={csrf} />
          {field('title')}
          {field('link')}
          <div class="row">
            {field('currency')}
            {field('locale')}
          </div>
          {field('timezone')}
          <datalist id="timezones">
            {timeZones.map((z) => (
              <option value={z}></option>
            ))}
          </datalist>

          <label for="consent_mode">{FIELD_LABELS.consent_mode}</label>
          <select
            id="consent_mode"
            name="consent_mode"
            aria-describedby={describedBy('consent_mode', true, errors.consent_mode)}
            aria-invalid={errors.consent_mode ? 'true' : undefined}
          >
            {CONSENT_MODES.map((m) => (
              <option value={m} selected={values.consent_mode === m}>
                {m === 'opt-in' ? 'Opt-in' : 'Opt-out'}
              </option>
            ))}
          </select>
          <p class="hint" id="consent_mode-hint">
            Opt-in: only visitors who consented are tracked (what the GDPR expects in the EU). Opt-out: visitors are tracked unless they refuse.
          </p>
          <FieldError id="consent_mode-error" message={errors.consent_mode} />

          <label for="allowed_origins">{FIELD_LABELS.allowed_origins}</label>
          <textarea
            id="allowed_origins"
            name="allowed_origins"
            rows={4}
            spellcheck={false}
            aria-describedby={describedBy('allowed_origins', true, errors.allowed_origins)}
            aria-invalid={errors.allowed_origins ? 'true' : undefined}
            placeholder="https://shop.example.com"
          >
            {values.allowed_origins}
          </textarea>
          <p class="hint" id="allowed_origins-hint">
            One per line. Pages on these origins may send visitor events to the pixel; empty means the shop URL's origin only.
          </p>
          <FieldError id="allowed_origins-error" message={errors.allowed_origins} />

          <div class="row">
            {field('retention_days')}
            {field('max_drop_share')}
          </div>
          <p>
            <button type="submit">Save settings</button>
          </p>
        </form>
      </section>

      <section aria-labelledby="brand-heading" id="brand-kit">
        <h2 id="brand-heading">Brand kit</h2>
        <p class="hint">The colours, corners and logo every creative of this catalog uses. Saving changes the catalog version, so feeds point at new images.</p>
        {saved?.section === 'brand' ? <Notice kind="ok">{saved.text}</Notice> : null}
        {Object.keys(brandErrors).length ? <Notice kind="error">Some brand kit values are not valid; nothing was saved.</Notice> : null}
        <div class="grid" style="grid-template-columns:repeat(auto-fit,minmax(300px,1fr));align-items:start">
          <form method="post" action={catalogPath(slug, '/brand-kit')} class="card" style="margin:0">
            <input type="hidden" name="_csrf" value={csrf} />
            <h3 style="margin:0 0 4px;font-size:16px">Colours</h3>
            <div class="grid" style="grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:4px 12px">
              {COLOUR_FIELDS.map(([name, label, hint]) => (
                <div>
                  <label for={`brand-${name}`}>{label}</label>
                  <input
                    type="color"
                    id={`brand-${name}`}
                    name={name}
                    value={sixDigit(brandValues[name])}
                    aria-describedby={`brand-${name}-hint${brandErrors[name] ? ` brand-${name}-error` : ''}`}
                    aria-invalid={brandErrors[name] ? 'true' : undefined}
                  />
                  <p class="hint" id={`brand-${name}-hint`}>
                    {hint} <code>{sixDigit(brandValues[name])}</code>
                  </p>
                  <FieldError id={`brand-${name}-error`} message={brandErrors[name]} />
                </div>
              ))}
            </div>
            <fieldset style="border:0;padding:0;margin:12px 0 0">
              <legend style="font-weight:600">Corners</legend>
              <div class="row" style="gap:16px">
                {CORNER_STYLES.map((corner) => (
                  <label for={`corner-${corner}`} style="font-weight:400;display:flex;gap:6px;align-items:center;margin:4px 0">
                    <input type="radio" id={`corner-${corner}`} name="corner" value={corner} checked={brandValues.corner === corner} />
                    {CORNER_LABELS[corner]}
                  </label>
                ))}
              </div>
              <FieldError id="brand-corner-error" message={brandErrors.corner} />
            </fieldset>
            <ul class="hint" style="padding-left:18px">
              {CONTRAST_PAIRS.map(([bg, fg, label]) => {
                const ratio = contrastRatio(colours[bg], colours[fg]);
                return (
                  <li>
                    {label}: contrast {ratio.toFixed(1)}:1{' '}
                    {ratio < 4.5 ? <span class="badge warn">hard to read (aim for 4.5:1)</span> : <span class="badge ok">readable</span>}
                  </li>
                );
              })}
            </ul>
            <p class="row">
              <button type="submit" name="action" value="save">
                Save brand kit
              </button>
              <button type="submit" name="action" value="reset" class="secondary">
                Reset colours to defaults
              </button>
            </p>
          </form>

          <div class="card" style="margin:0" id="logo-section">
            <h3 style="margin:0 0 4px;font-size:16px">Logo</h3>
            {saved?.section === 'logo' ? <Notice kind="ok">{saved.text}</Notice> : null}
            {view.logoError ? <Notice kind="error">{view.logoError}</Notice> : null}
            {kit.logo ? (
              <>
                <img
                  src={`/admin/catalogs/${encodeURIComponent(slug)}/brand-kit/logo?v=${kit.logo.sha256.slice(0, 12)}`}
                  alt={`Current logo of ${catalog.title}`}
                  width={kit.logo.width}
                  height={kit.logo.height}
                  style="max-width:100%;height:auto;max-height:120px;background:repeating-conic-gradient(#e5e7eb 0 25%,#fff 0 50%) 0 0/16px 16px;border:1px solid #e5e7eb;border-radius:4px"
                />
                <p class="hint">
                  {kit.logo.width}×{kit.logo.height} px, {kit.logo.content_type === 'image/png' ? 'PNG' : 'JPEG'}
                </p>
                <form method="post" action={catalogPath(slug, '/brand-kit/logo/remove')}>
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="danger">
                    Remove logo
                  </button>
                </form>
              </>
            ) : (
              <p class="hint">No logo yet: creatives show the shop name instead.</p>
            )}
            <form method="post" action={catalogPath(slug, '/brand-kit/logo')} enctype="multipart/form-data">
              <input type="hidden" name="_csrf" value={csrf} />
              <label for="logo">{kit.logo ? 'Replace the logo' : 'Upload a logo'}</label>
              <input id="logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" required aria-describedby="logo-hint" />
              <p class="hint" id="logo-hint">
                PNG, JPEG or WebP up to {MAX_LOGO_BYTES / 1024} KiB (no SVG); stored re-encoded at most 600×240. A transparent PNG looks best.
              </p>
              <p>
                <button type="submit">Upload logo</button>
              </p>
            </form>
          </div>

          <div class="card" style="margin:0">
            <h3 style="margin:0 0 4px;font-size:16px">Preview</h3>
            {!creative ? (
              <p class="hint">This server was started without a creative renderer, so there is no preview.</p>
            ) : !hasBadge ? (
              <p class="hint">The badge template is not installed on this server.</p>
            ) : first ? (
              <figure style="margin:0">
                <img
                  src={`${productCreativePath(slug, 'badge', first.id, 'jpg')}?v=${catalog.version}`}
                  alt={`Badge creative for ${first.title}`}
                  width={1080}
                  height={1080}
                  style="width:100%;max-width:360px;height:auto;border:1px solid #e5e7eb;border-radius:4px"
                />
                <figcaption class="hint">
                  The badge creative of <code>{first.id}</code> ({first.title}), as ads show it. It changes after you save.
                </figcaption>
              </figure>
            ) : (
              <p class="hint">
                Import products to see a creative here (<a href={catalogPath(slug, '/import')}>Import</a>).
              </p>
            )}
          </div>
        </div>
      </section>
    </Page>,
    status,
  );
}

const FIELD_LABELS: Record<SettingsField, string> = {
  title: 'Shop name',
  link: 'Shop URL',
  currency: 'Currency',
  locale: 'Locale',
  timezone: 'Time zone',
  consent_mode: 'Consent mode',
  allowed_origins: 'Allowed origins',
  retention_days: 'Retention (days)',
  max_drop_share: 'Largest share a replace import may remove',
};

export function settingsPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog', async (c) => {
    const catalog = await uiCatalog(c);
    return renderSettings(c, catalog, { notice: c.req.query('saved') });
  });

  app.post('/c/:catalog/settings', async (c) => {
    const catalog = await uiCatalog(c);
    const form = await readForm(c);
    // Raw text, kept as typed when the form comes back with errors (textarea keeps its line breaks).
    const values = Object.fromEntries(
      SETTINGS_FIELDS.map((f) => [f, f === 'allowed_origins' ? (typeof form[f] === 'string' ? (form[f] as string) : '') : text(form, f)]),
    ) as Record<SettingsField, string>;
    const result = parseSettingsForm(catalog, values);
    if (!result.ok) return renderSettings(c, catalog, { values, errors: result.errors }, 422);
    const { store, clock } = c.get('deps');
    await store.putCatalog(catalog.slug, result.settings, clock().toISOString());
    return c.redirect(`${catalogPath(catalog.slug)}?saved=settings#settings`, 303);
  });

  app.post('/c/:catalog/brand-kit', async (c) => {
    const catalog = await uiCatalog(c);
    const form = await readForm(c);
    const { store, clock } = c.get('deps');
    if (text(form, 'action') === 'reset') {
      await store.putBrandColours(catalog.id, null, clock().toISOString());
      return c.redirect(`${catalogPath(catalog.slug)}?saved=brand-reset#brand-kit`, 303);
    }
    const submitted: Record<string, string> = {};
    for (const [name] of COLOUR_FIELDS) if (text(form, name)) submitted[name] = text(form, name);
    if (text(form, 'corner')) submitted.corner = text(form, 'corner');
    const patch = brandKitPatchSchema.safeParse(submitted);
    if (!patch.success) {
      const brandErrors: FieldErrors<ColourField | 'corner'> = {};
      for (const issue of patch.error.issues) {
        const field = issue.path[0] as ColourField | 'corner';
        brandErrors[field] ??= field === 'corner' ? 'Choose square, rounded or pill.' : issue.message;
      }
      const colours = effectiveColours((await store.getBrandKit(catalog.id)).colours);
      return renderSettings(c, catalog, { brandValues: { ...colours, ...submitted }, brandErrors }, 422);
    }
    // the same merge as PUT /admin/catalogs/:catalog/brand-kit: fields sent replace stored ones
    const current = (await store.getBrandKit(catalog.id)).colours ?? {};
    await store.putBrandColours(catalog.id, { ...current, ...patch.data }, clock().toISOString());
    return c.redirect(`${catalogPath(catalog.slug)}?saved=brand#brand-kit`, 303);
  });

  app.post(
    '/c/:catalog/brand-kit/logo',
    // multipart overhead on top of the logo itself; larger bodies are refused before parsing
    bodyLimit({
      maxSize: MAX_LOGO_BYTES + 64 * 1024,
      onError: async (c) => {
        const ui = c as unknown as UiContext;
        return renderSettings(ui, await uiCatalog(ui), { logoError: `That file is too large: a logo may be at most ${MAX_LOGO_BYTES / 1024} KiB.` }, 413);
      },
    }),
    async (c) => {
      const catalog = await uiCatalog(c);
      const form = await readForm(c);
      const { store, clock, creative } = c.get('deps');
      const file = form.logo;
      try {
        if (!creative) throw noRenderer();
        if (!(file instanceof File) || file.size === 0) throw new AppError(400, 'no_logo', 'Choose an image file first.');
        const logo = await normaliseLogo(creative.rasterizer, new Uint8Array(await file.arrayBuffer()));
        await store.putBrandLogo(catalog.id, logo, clock().toISOString());
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const message = err.message.charAt(0).toUpperCase() + err.message.slice(1);
        return renderSettings(c, catalog, { logoError: message.endsWith('.') ? message : `${message}.` }, err.status as 400 | 413 | 415 | 422 | 503);
      }
      return c.redirect(`${catalogPath(catalog.slug)}?saved=logo#logo-section`, 303);
    },
  );

  app.post('/c/:catalog/brand-kit/logo/remove', async (c) => {
    const catalog = await uiCatalog(c);
    await readForm(c);
    const { store, clock } = c.get('deps');
    await store.putBrandLogo(catalog.id, null, clock().toISOString());
    return c.redirect(`${catalogPath(catalog.slug)}?saved=logo-removed#logo-section`, 303);
  });
}
