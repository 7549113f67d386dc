/**
 * Small inline-SVG charts for the Signals tab: events per day (stacked by type), the
 * view → cart → purchase funnel, and the most viewed products. Server-rendered, no script.
 *
 * Every chart is `<svg class="chart" role="img" aria-label=…>` with a `<title>`, scales with its
 * viewBox (width 100 %, capped so text stays a sensible size on wide screens), labels its axes
 * and values in text, and comes with a text legend: colour is never the only cue. Every label
 * is JSX text, so ids and titles from the shop's pages are escaped.
 */
import type { Child } from 'hono/jsx';

/**
 * Extra rules for these charts and the signal pages (the shared stylesheet has the rest). Rendered
 * as JSX text, which escapes it: no `>`, `&` or quotes in here.
 */
export const SIGNAL_STYLES = `
.chart-box{max-width:640px}
svg.chart{display:block;width:100%;height:auto}
svg.chart .axis{stroke:#6b7280;stroke-width:1}
svg.chart .grid{stroke:#e5e7eb;stroke-width:1}
svg.chart .value{font-weight:700;fill:#111827}
svg.chart text.small{font-size:11px}
@media (max-width:720px){svg.chart text{font-size:16px}svg.chart text.small{font-size:14px}svg.chart text.dense{display:none}}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 16px;padding:0;margin:8px 0}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid #111827}
.stat{font-size:28px;font-weight:700;margin:0}
.grid.figures{grid-template-columns:repeat(auto-fit,minmax(100px,1fr))}
.grid.figures .card{margin:0}
textarea.code{max-width:none;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre;overflow:auto}
details summary{cursor:pointer;color:#1d4ed8;margin:8px 0}
.inline{display:inline}
`;

const nf = new Intl.NumberFormat('en');
export const fmt = (n: number): string => nf.format(n);
export const pct = (share: number): string => `${Math.round(share * 1000) / 10} %`;

/** Event types in the order they are stacked and listed, with a label and a colour (≥ 3:1 on white). */
export const EVENT_SERIES: ReadonlyArray<{ type: string; label: string; color: string }> = [
  { type: 'view_item', label: 'Product views', color: '#1d4ed8' },
  { type: 'view_item_list', label: 'List views', color: '#0e7490' },
  { type: 'search', label: 'Searches', color: '#be185d' },
  { type: 'add_to_cart', label: 'Added to cart', color: '#c2410c' },
  { type: 'remove_from_cart', label: 'Removed from cart', color: '#78716c' },
  { type: 'begin_checkout', label: 'Checkouts begun', color: '#7c3aed' },
  { type: 'purchase', label: 'Purchases', color: '#15803d' },
  { type: 'identify', label: 'Identified (e-mail hash)', color: '#4b5563' },
];

export function seriesOf(type: string) {
  return EVENT_SERIES.find((s) => s.type === type) ?? { type, label: type, color: '#111827' };
}

/** Whole-number axis ticks from 0 past `max` in round steps (1, 2, 5 × 10^n), about four of them. */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const rough = Math.max(1, max / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

export interface Bucket {
  /** first day of the bucket, YYYY-MM-DD */
  key: string;
  /** short axis label */
  label: string;
  counts: Record<string, number>;
  total: number;
}

export type BucketSize = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Per-day counts into a continuous run of buckets from `since` to `now` (UTC): days up to three
 * months, weeks (from Monday) up to two years, months beyond, so a bar stays wide enough to see.
 */
export function bucketEvents(
  rows: ReadonlyArray<{ day: string; type: string; count: number }>,
  since: Date,
  now: Date,
): { size: BucketSize; buckets: Bucket[] } {
  const spanDays = Math.ceil((now.getTime() - since.getTime()) / DAY_MS);
  const size: BucketSize = spanDays <= 92 ? 'day' : spanDays <= 731 ? 'week' : 'month';
  const startOf = (day: string): string => {
    if (size === 'day') return day;
    if (size === 'month') return `${day.slice(0, 7)}-01`;
    const ms = Date.parse(`${day}T00:00:00Z`);
    const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0
    return isoDay(ms - weekday * DAY_MS);
  };
  const next = (key: string): string => {
    const ms = Date.parse(`${key}T00:00:00Z`);
    if (size === 'day') return isoDay(ms + DAY_MS);
    if (size === 'week') return isoDay(ms + 7 * DAY_MS);
    const d = new Date(ms);
    return isoDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  };
  const label = (key: string) => (size === 'month' ? key.slice(0, 7) : key.slice(5));
  const buckets = new Map<string, Bucket>();
  const last = startOf(isoDay(now.getTime()));
  for (let key = startOf(isoDay(since.getTime())); key <= last; key = next(key)) {
    buckets.set(key, { key, label: label(key), counts: {}, total: 0 });
  }
  for (const row of rows) {
    const key = startOf(row.day);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = { key, label: label(key), counts: {}, total: 0 }));
    bucket.counts[row.type] = (bucket.counts[row.type] ?? 0) + row.count;
    bucket.total += row.count;
  }
  return { size, buckets: [...buckets.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
}

function Chart(props: { width: number; height: number; label: string; children?: Child }) {
  return (
    <svg
      class="chart"
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${props.width} ${props.height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{props.label}</title>
      {props.children}
    </svg>
  );
}

/** The types present, in legend order. */
function typesIn(buckets: readonly Bucket[]): string[] {
  const present = new Set<string>();
  for (const b of buckets) for (const t of Object.keys(b.counts)) present.add(t);
  const known = EVENT_SERIES.map((s) => s.type).filter((t) => present.has(t));
  return [...known, ...[...present].filter((t) => !known.includes(t)).sort()];
}

/** Legend as text: a swatch, the type's name and its total, so the colours need not be told apart. */
export function Legend(props: { items: ReadonlyArray<{ label: string; color: string; value: string }> }) {
  return (
    <ul class="legend">
      {props.items.map((item) => (
        <li>
          <span class="swatch" style={`background:${item.color}`} aria-hidden="true"></span>
          <span>
            {item.label}: <strong>{item.value}</strong>
          </span>
        </li>
      ))}
    </ul>
  );
}

const AXIS_TITLE: Record<BucketSize, string> = {
  day: 'Day (UTC)',
  week: 'Week starting Monday (UTC)',
  month: 'Month (UTC)',
};

/**
 * Events per day (or week, month), one bar per bucket stacked by event type, with the bar's
 * total above it when there is room, a y axis of event counts, a text legend with totals, and
 * the same figures as a table under a disclosure.
 */
export function EventsChart(props: { buckets: Bucket[]; size: BucketSize; title: string }) {
  const { buckets, size } = props;
  const types = typesIn(buckets);
  const W = 480;
  const H = 260;
  const left = 48;
  const right = 22;
  const top = 28;
  const bottom = 46;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const ticks = niceTicks(Math.max(0, ...buckets.map((b) => b.total)));
  const max = ticks[ticks.length - 1]!;
  const band = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, band * 0.72);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 7));
  const showTotals = band >= 13;
  const totals = types.map((t) => buckets.reduce((sum, b) => sum + (b.counts[t] ?? 0), 0));
  const grand = totals.reduce((a, b) => a + b, 0);
  const summary = `${props.title}: ${fmt(grand)} events in ${buckets.length} ${size === 'day' ? 'days' : size === 'week' ? 'weeks' : 'months'}; ${types
    .map((t, i) => `${seriesOf(t).label} ${fmt(totals[i]!)}`)
    .join(', ')}`;
  return (
    <figure class="chart-box" style="margin:0">
      <Chart width={W} height={H} label={summary}>
        {ticks.map((v) => (
          <g>
            <line class="grid" x1={left} x2={W - right} y1={y(v)} y2={y(v)} />
            <text x={left - 6} y={y(v) + 4} text-anchor="end">
              {fmt(v)}
            </text>
          </g>
        ))}
        <line class="axis" x1={left} x2={left} y1={top} y2={top + plotH} />
        <line class="axis" x1={left} x2={W - right} y1={top + plotH} y2={top + plotH} />
        {buckets.map((b, i) => {
          const x = left + i * band + (band - barW) / 2;
          let base = 0;
          return (
            <g>
              {types.map((t) => {
                const n = b.counts[t] ?? 0;
                if (!n) return null;
                const y0 = y(base);
                base += n;
                const y1 = y(base);
                return (
                  <rect class="bar" x={x} y={y1} width={barW} height={Math.max(0.5, y0 - y1)} fill={seriesOf(t).color}>
                    <title>{`${b.key} · ${seriesOf(t).label}: ${fmt(n)}`}</title>
                  </rect>
                );
              })}
              {showTotals && b.total > 0 ? (
                <text class={band < 24 ? 'value small dense' : 'value small'} x={x + barW / 2} y={y(b.total) - 3} text-anchor="middle">
                  {fmt(b.total)}
                </text>
              ) : null}
              {i % labelEvery === 0 ? (
                <text class="small" x={x + barW / 2} y={top + plotH + 14} text-anchor="middle">
                  {b.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <text x={left + plotW / 2} y={H - 6} text-anchor="middle">
          {AXIS_TITLE[size]}
        </text>
        <text x={0} y={14}>
          Events
        </text>
      </Chart>
      <figcaption>
        <Legend items={types.map((t, i) => ({ label: seriesOf(t).label, color: seriesOf(t).color, value: fmt(totals[i]!) }))} />
      </figcaption>
      <details>
        <summary>The figures as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{AXIS_TITLE[size]}</th>
              {types.map((t) => (
                <th scope="col" class="num">
                  {seriesOf(t).label}
                </th>
              ))}
              <th scope="col" class="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets
              .filter((b) => b.total > 0)
              .map((b) => (
                <tr>
                  <th scope="row">{b.key}</th>
                  {types.map((t) => (
                    <td class="num">{fmt(b.counts[t] ?? 0)}</td>
                  ))}
                  <td class="num">{fmt(b.total)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/**
 * Horizontal bars, one per row: the row's name and value (with a note) as a line of text, its
 * bar under it across the full width, so long names and notes fit a phone screen.
 */
export function HorizontalBars(props: {
  title: string;
  rows: ReadonlyArray<{ label: string; value: number; note?: string; color?: string }>;
  /** what a value counts, for the summary: "visitors", "views" */
  unit: string;
}) {
  const W = 480;
  const rowH = 42;
  const top = 4;
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const H = top + props.rows.length * rowH;
  const unit = (n: number) => (n === 1 ? props.unit.replace(/s$/, '') : props.unit);
  const summary = `${props.title}: ${props.rows.map((r) => `${r.label} ${fmt(r.value)} ${unit(r.value)}${r.note ? ` (${r.note})` : ''}`).join('; ')}`;
  return (
    <div class="chart-box">
      <Chart width={W} height={H} label={summary}>
        {props.rows.map((r, i) => {
          const y = top + i * rowH;
          const w = r.value > 0 ? Math.max(2, (r.value / max) * W) : 0;
          const label = r.label.length > 44 ? `${r.label.slice(0, 43)}…` : r.label;
          return (
            <g>
              <text x={0} y={y + 14}>
                {label}:{' '}
                <tspan class="value">
                  {fmt(r.value)}
                  {r.note ? ` (${r.note})` : ''}
                </tspan>
              </text>
              <rect x={0} y={y + 20} width={W} height={14} fill="#f3f4f6" />
              {w ? (
                <rect class="bar" x={0} y={y + 20} width={w} height={14} fill={r.color ?? '#1d4ed8'}>
                  <title>{`${r.label}: ${fmt(r.value)} ${unit(r.value)}`}</title>
                </rect>
              ) : null}
            </g>
          );
        })}
      </Chart>
    </div>
  );
}

/** Visitors who viewed a product, then added one to the cart, then bought: each step's share of the first. */
export function FunnelChart(props: { funnel: { viewed: number; carted: number; purchased: number } }) {
  const { viewed, carted, purchased } = props.funnel;
  const share = (n: number) => (viewed ? `${pct(n / viewed)} of viewers` : 'no viewers');
  return (
    <HorizontalBars
      title="Funnel, distinct visitors"
      unit="visitors"
      rows={[
        { label: 'Viewed a product', value: viewed, color: seriesOf('view_item').color },
        { label: '… then added one to the cart', value: carted, note: share(carted), color: seriesOf('add_to_cart').color },
        { label: '… then bought', value: purchased, note: share(purchased), color: seriesOf('purchase').color },
      ]}
    />
  );
}

/** The most viewed products, by views; unknown ids (not in the live catalog) are marked in the label. */
export function TopProductsChart(props: { products: ReadonlyArray<{ id: string; title: string | null; views: number }> }) {
  return (
    <HorizontalBars
      title="Most viewed products, views"
      unit="views"
      rows={props.products.map((p) => ({
        label: p.title ? `${p.title} (${p.id})` : `${p.id} (not in the catalog)`,
        value: p.views,
        color: p.title ? '#1d4ed8' : '#78716c',
      }))}
    />
  );
}
