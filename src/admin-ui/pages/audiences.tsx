/**
 * Audiences tab: the catalog's segments with their counts, a form to create or change one,
 * deletion, and links to the CSV exports of the JSON API (which accepts this UI's session).
 *
 *   GET  /c/:catalog/audiences[?edit=name]
 *   POST /c/:catalog/audiences           name, kind, days, category, product_ids, term, _csrf
 *   POST /c/:catalog/audiences/delete    name, _csrf
 */
import type { Hono } from 'hono';
import type { Catalog } from '../../catalog/catalog';
import { AppError } from '../../errors';
import { listSegmentsWithCounts, saveSegment, type CountedSegment } from '../../insights/audience-routes';
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, SEGMENT_NAME, type SegmentDefinition } from '../../insights/segments';
import { readForm, text, uiCatalog, type UiContext, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';
import { fmt, SIGNAL_STYLES } from '../signal-charts';

const KINDS: ReadonlyArray<{ kind: SegmentDefinition['kind']; label: string; hint: string }> = [
  { kind: 'cart_abandoners', label: 'Cart abandoners', hint: 'added a product to the cart, then neither bought nor removed it' },
  { kind: 'category_viewers', label: 'Category viewers', hint: 'viewed a product of the category (or its list page)' },
  { kind: 'product_viewers', label: 'Product viewers', hint: 'viewed any of the listed products' },
  { kind: 'purchasers', label: 'Purchasers', hint: 'bought anything' },
  { kind: 'searchers', label: 'Searchers', hint: 'searched for text containing the term' },
];

const kindLabel = (kind: string) => KINDS.find((k) => k.kind === kind)?.label ?? kind;

/** What the form fields hold, as text (re-shown after an error). */
interface FormValues {
  name: string;
  kind: string;
  days: string;
  category: string;
  product_ids: string;
  term: string;
}

const EMPTY: FormValues = { name: '', kind: 'cart_abandoners', days: '30', category: '', product_ids: '', term: '' };

function valuesOf(name: string, d: SegmentDefinition): FormValues {
  return {
    name,
    kind: d.kind,
    days: String(d.days),
    category: d.kind === 'category_viewers' ? d.category : '',
    product_ids: d.kind === 'product_viewers' ? d.product_ids.join('\n') : '',
    term: d.kind === 'searchers' ? d.term : '',
  };
}

/** The JSON definition the form describes: only the fields its type uses (the schema is strict). */
function definitionOf(v: FormValues): Record<string, unknown> {
  const def: Record<string, unknown> = { kind: v.kind, days: /^\d{1,6}$/.test(v.days) ? Number(v.days) : undefined };
  if (v.kind === 'category_viewers') def.category = v.category;
  if (v.kind === 'product_viewers') {
    def.product_ids = v.product_ids
      .split(/[\r\n,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (v.kind === 'searchers') def.term = v.term;
  return def;
}

const FIELD_PROBLEMS: Record<string, string> = {
  name: 'Name: 1-64 lower-case letters, digits, - or _, starting with a letter or digit.',
  kind: 'Type: choose one of the segment types.',
  days: 'Window: a whole number of days from 1 to 730.',
  category: 'Category: 1-750 characters, e.g. Apparel > Shirts.',
  product_ids: 'Product ids: 1 to 100 ids of up to 200 characters, one per line.',
  term: 'Search term: 1-100 characters.',
};

function Describe(props: { d: SegmentDefinition }) {
  const { d } = props;
  const when = `in the last ${d.days} ${d.days === 1 ? 'day' : 'days'}`;
  switch (d.kind) {
    case 'cart_abandoners':
      return <>Added a product to the cart {when} and neither bought nor removed it since.</>;
    case 'category_viewers':
      return (
        <>
          Viewed a product of <strong>{d.category}</strong> {when}.
        </>
      );
    case 'product_viewers':
      return (
        <>
          Viewed {d.product_ids.length === 1 ? 'product' : 'any of the products'}{' '}
          {d.product_ids.map((id, i) => (
            <>
              {i ? ', ' : ''}
              <code>{id}</code>
            </>
          ))}{' '}
          {when}.
        </>
      );
    case 'purchasers':
      return <>Bought anything {when}.</>;
    case 'searchers':
      return (
        <>
          Searched for text containing <strong>“{d.term}”</strong> {when}.
        </>
      );
  }
}

function SegmentCard(props: { slug: string; segment: CountedSegment; csrf: string }) {
  const { slug, segment: s, csrf } = props;
  const exportBase = `/admin/catalogs/${encodeURIComponent(slug)}/segments/${encodeURIComponent(s.name)}/export`;
  return (
    <article class="card" aria-labelledby={`seg-${s.name}`} data-segment={s.name}>
      <h3 id={`seg-${s.name}`} style="margin:0 0 4px">
        <code>{s.name}</code> <span class="badge">{kindLabel(s.definition.kind)}</span>
      </h3>
      <p style="margin:4px 0">
        <Describe d={s.definition} />
      </p>
      <p style="margin:4px 0">
        Visitors: <strong data-count="visitors">{fmt(s.visitors)}</strong> · Exportable:{' '}
        <strong data-count="exportable">{fmt(s.exportable)}</strong>
      </p>
      {s.visitors && !s.exportable ? (
        <p class="hint">None of these visitors left an e-mail hash with consent to ad personalisation, so an export is empty.</p>
      ) : null}
      <div class="row">
        {EXPORT_FORMAT_NAMES.map((format) => (
          <a class="button secondary" href={`${exportBase}?format=${format}`} download>
            {EXPORT_FORMATS[format].label} CSV<span class="sr-only"> of segment {s.name}</span>
          </a>
        ))}
        <a class="button secondary" href={`${catalogPath(slug, '/audiences')}?edit=${encodeURIComponent(s.name)}#segment-form`}>
          Edit<span class="sr-only"> segment {s.name}</span>
        </a>
        <form method="post" action={catalogPath(slug, '/audiences/delete')} class="inline">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="name" value={s.name} />
          <button type="submit" class="danger">
            Delete<span class="sr-only"> segment {s.name}</span>
          </button>
        </form>
      </div>
    </article>
  );
}

function SegmentForm(props: { slug: string; csrf: string; values: FormValues; editing: boolean; invalid: Set<string> }) {
  const { values: v, invalid } = props;
  const bad = (field: string) => (invalid.has(field) ? 'true' : undefined);
  return (
    <form method="post" action={catalogPath(props.slug, '/audiences')} class="card" id="segment-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.editing ? <input type="hidden" name="editing" value="1" /> : null}
      <label for="seg-name">Name</label>
      <input
        id="seg-name"
        name="name"
        type="text"
        required
        maxlength={64}
        pattern="[a-z0-9][a-z0-9_\-]{0,63}"
        value={v.name}
        aria-invalid={bad('name')}
        aria-describedby="seg-name-hint"
      />
      <p class="hint" id="seg-name-hint">
        Lower-case letters, digits, - and _; it names the export files. Saving under an existing name replaces that segment.
      </p>
      <label for="seg-kind">Type</label>
      <select id="seg-kind" name="kind" aria-invalid={bad('kind')} aria-describedby="seg-kind-hint">
        {KINDS.map((k) => (
          <option value={k.kind} selected={k.kind === v.kind}>
            {k.label}
          </option>
        ))}
      </select>
      <div class="hint" id="seg-kind-hint">
        Visitors who, in the window:
        <ul style="margin:2px 0;padding-left:20px">
          {KINDS.map((k) => (
            <li>
              <strong>{k.label}</strong>: {k.hint}
            </li>
          ))}
        </ul>
        Segments are evaluated when counted or exported, so they follow retention and erasure.
      </div>
      <label for="seg-days">Window in days</label>
      <input
        id="seg-days"
        name="days"
        type="number"
        min={1}
        max={730}
        step={1}
        required
        value={v.days}
        aria-invalid={bad('days')}
        aria-describedby="seg-days-hint"
      />
      <p class="hint" id="seg-days-hint">
        Events of the last 1-730 days count.
      </p>
      <fieldset style="border:1px solid #e5e7eb;border-radius:6px;margin:12px 0;padding:4px 12px 12px">
        <legend>Parameters (only the selected type's is used)</legend>
        <label for="seg-category">Category (Category viewers)</label>
        <input
          id="seg-category"
          name="category"
          type="text"
          maxlength={750}
          value={v.category}
          placeholder="Apparel > Shirts"
          aria-invalid={bad('category')}
          aria-describedby="seg-category-hint"
        />
        <p class="hint" id="seg-category-hint">
          A product_type or its start: Apparel also matches Apparel &gt; Shirts. Case does not matter.
        </p>
        <label for="seg-products">Product ids (Product viewers)</label>
        <textarea id="seg-products" name="product_ids" rows={4} aria-invalid={bad('product_ids')} aria-describedby="seg-products-hint">
          {v.product_ids}
        </textarea>
        <p class="hint" id="seg-products-hint">
          One per line (or separated by commas), up to 100: the feed's ids.
        </p>
        <label for="seg-term">Search term (Searchers)</label>
        <input id="seg-term" name="term" type="text" maxlength={100} value={v.term} aria-invalid={bad('term')} />
      </fieldset>
      <button type="submit">{props.editing ? 'Save changes' : 'Save segment'}</button>
    </form>
  );
}

async function renderPage(
  c: UiContext,
  catalog: Catalog,
  opts: { values?: FormValues; editing?: boolean; problems?: string[]; invalid?: Set<string>; status?: 200 | 409 | 422 } = {},
) {
  const deps = c.get('deps');
  const q = c.req.query();
  const segments = await listSegmentsWithCounts(deps, catalog);
  let values = opts.values ?? EMPTY;
  let editing = opts.editing ?? false;
  const editName = !opts.values && q.edit && SEGMENT_NAME.test(q.edit) ? q.edit : null;
  const edited = editName ? segments.find((s) => s.name === editName) : undefined;
  if (edited) {
    values = valuesOf(edited.name, edited.definition);
    editing = true;
  }
  const shown = (name: string | undefined) => (name && SEGMENT_NAME.test(name) ? name : null);
  const saved = shown(q.saved);
  const deleted = shown(q.deleted);
  const missing = shown(q.missing);
  const csrf = c.get('csrf');
  return c.html(
    <Page title="Audiences" csrf={csrf} catalog={catalog} tab="audiences">
      <style>{SIGNAL_STYLES}</style>
      {saved ? (
        <Notice kind="ok">
          Segment <code>{saved}</code> {q.created === '1' ? 'created' : 'saved'}.
        </Notice>
      ) : null}
      {deleted ? (
        <Notice kind="ok">
          Segment <code>{deleted}</code> deleted.
        </Notice>
      ) : null}
      {missing ? (
        <Notice kind="error">
          There is no segment <code>{missing}</code> (any more).
        </Notice>
      ) : null}
      {opts.problems?.length ? (
        <Notice kind="error">
          The segment was not saved:
          <ul>
            {opts.problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <p class="hint">
        Visitors counts everyone the segment matches; exportable counts those with an e-mail hash who allowed ad
        personalisation (and no Global Privacy Control): only they are in the CSV exports, as SHA-256 hashes, ready for a Meta
        custom audience or Google Customer Match.
      </p>
      <h2>Segments</h2>
      {segments.length ? (
        <div class="grid" style="grid-template-columns:repeat(auto-fill,minmax(300px,1fr))">
          {segments.map((s) => (
            <SegmentCard slug={catalog.slug} segment={s} csrf={csrf} />
          ))}
        </div>
      ) : (
        <Notice kind="info">
          No segments yet: define the first one below. Segments read the events the{' '}
          <a href={catalogPath(catalog.slug, '/snippet')}>Pixel snippet</a> sends.
        </Notice>
      )}
      <h2>{editing ? `Edit segment ${values.name}` : 'New segment'}</h2>
      <SegmentForm slug={catalog.slug} csrf={csrf} values={values} editing={editing} invalid={opts.invalid ?? new Set()} />
    </Page>,
    opts.status ?? 200,
  );
}

export function audiencesPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/audiences', async (c) => renderPage(c, await uiCatalog(c)));

  app.post('/c/:catalog/audiences', async (c) => {
    const catalog = await uiCatalog(c);
    const form = await readForm(c);
    const values: FormValues = {
      name: text(form, 'name'),
      kind: text(form, 'kind'),
      days: text(form, 'days'),
      category: text(form, 'category'),
      product_ids: text(form, 'product_ids'),
      term: text(form, 'term'),
    };
    const editing = text(form, 'editing') === '1';
    if (!SEGMENT_NAME.test(values.name)) {
      return renderPage(c, catalog, { values, editing, problems: [FIELD_PROBLEMS.name!], invalid: new Set(['name']), status: 422 });
    }
    try {
      const { created } = await saveSegment(c.get('deps'), catalog, values.name, definitionOf(values));
      const params = new URLSearchParams({ saved: values.name });
      if (created) params.set('created', '1');
      return c.redirect(`${catalogPath(catalog.slug, '/audiences')}?${params}`, 303);
    } catch (err) {
      // the catalog's segment cap: said beside the form, which keeps what was typed
      if (err instanceof AppError && err.code === 'too_many_segments') {
        return renderPage(c, catalog, { values, editing, problems: [err.message], invalid: new Set(), status: 409 });
      }
      if (!(err instanceof AppError) || err.code !== 'invalid_segment') throw err;
      const details = Array.isArray(err.details) ? (err.details as Array<{ field: string; reason: string }>) : [];
      const fields = new Set(details.map((d) => d.field.split('.')[0] || 'kind'));
      const problems = [...fields].map((f) => FIELD_PROBLEMS[f] ?? `${f}: ${details.find((d) => d.field.startsWith(f))?.reason}`);
      return renderPage(c, catalog, { values, editing, problems, invalid: fields, status: 422 });
    }
  });

  app.post('/c/:catalog/audiences/delete', async (c) => {
    const catalog = await uiCatalog(c);
    const form = await readForm(c);
    const name = text(form, 'name');
    const back = catalogPath(catalog.slug, '/audiences');
    const gone = SEGMENT_NAME.test(name) && (await c.get('deps').insights.deleteSegment(catalog.id, name));
    if (!gone) return c.redirect(SEGMENT_NAME.test(name) ? `${back}?missing=${encodeURIComponent(name)}` : back, 303);
    return c.redirect(`${back}?deleted=${encodeURIComponent(name)}`, 303);
  });
}
