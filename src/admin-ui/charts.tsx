/**
 * Small inline-SVG charts for the admin UI: a line/step chart (price history) and a bar chart
 * (counts). Server-rendered, no script. Each is `<svg class="chart" role="img">` with a `<title>`
 * (and optional `<desc>`) naming what it shows, so screen readers announce it as one image; pages
 * should put the same numbers in a table nearby for anyone who needs the values. Every label goes
 * through JSX, so user-provided text is escaped.
 *
 * Both scale to their container (viewBox, max-width 100%) and handle no data, one point and many.
 */

/** Colours with at least 4.5:1 contrast on white. */
export const CHART_COLOURS = ['#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#b45309'] as const;

const AXIS = '#6b7280';
const GRID = '#e5e7eb';
/** average glyph width of the 12 px chart font, for laying out labels without measuring */
const CHAR = 7;

export interface ChartPoint {
  x: number;
  /** null leaves a gap (e.g. no sale price at that time) */
  y: number | null;
}

export interface LineSeries {
  /** shown in the legend and the points' tooltips */
  name: string;
  /** in ascending x */
  points: ChartPoint[];
  /** stroke colour; default: the palette in order */
  color?: string;
  dashed?: boolean;
}

export interface LineChartProps {
  /** what the chart shows: its `<title>` and aria-label */
  title: string;
  /** a sentence summarising the data for assistive technology (`<desc>`) */
  description?: string;
  series: LineSeries[];
  /** 'step' (default): each value holds until the next point, as prices do; 'line': straight segments */
  curve?: 'step' | 'line';
  /** extend the x axis to here (e.g. now); a step series' last value is drawn up to it */
  xMax?: number;
  /** x tick labels (e.g. dates from epoch milliseconds); default: the number */
  formatX?: (x: number) => string;
  /** y tick labels and tooltips (e.g. money); default: the number */
  formatY?: (y: number) => string;
  /** name of the y axis, drawn above it */
  yLabel?: string;
  /** viewBox size in px; the chart scales down to its container */
  width?: number;
  height?: number;
  /** text shown when no series has a point */
  empty?: string;
}

export interface Bar {
  label: string;
  value: number;
  /** default: the first palette colour */
  color?: string;
}

export interface BarChartProps {
  /** what the chart shows: its `<title>` and aria-label */
  title: string;
  description?: string;
  bars: Bar[];
  /** value labels and y ticks; default: the number with thousands separators */
  formatValue?: (v: number) => string;
  /** name of the y axis, drawn above it */
  yLabel?: string;
  width?: number;
  height?: number;
  /** text shown when there are no bars */
  empty?: string;
}

const plain = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : Number(n.toPrecision(6)).toLocaleString('en'));

/** A "nice" tick step (1, 2, 2.5 or 5 × 10^n) for about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * base;
}

/** Round ticks covering [lo, hi]; never below 0 when the data is not. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  let start = Math.floor(lo / step) * step;
  if (start < 0 && lo >= 0) start = 0;
  const ticks: number[] = [];
  for (let v = start; ticks.length < 20; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= hi - step * 1e-9) break;
  }
  return ticks;
}

function Frame(props: { title: string; description?: string; width: number; height: number; children?: unknown }) {
  return (
    <svg
      class="chart"
      role="img"
      aria-label={props.title}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${props.width} ${props.height}`}
      width={props.width}
      height={props.height}
      style="max-width:100%;height:auto;background:#fff"
    >
      <title>{props.title}</title>
      {props.description ? <desc>{props.description}</desc> : null}
      {props.children as never}
    </svg>
  );
}

function Empty(props: { width: number; height: number; text: string }) {
  return (
    <text x={props.width / 2} y={props.height / 2} text-anchor="middle" dominant-baseline="middle">
      {props.text}
    </text>
  );
}

const r = (n: number) => Math.round(n * 10) / 10;

/** A line or step chart of one or more series over a numeric x (time as epoch ms works). */
export function LineChart(props: LineChartProps) {
  const width = props.width ?? 640;
  const height = props.height ?? 260;
  const formatX = props.formatX ?? plain;
  const formatY = props.formatY ?? plain;
  const step = (props.curve ?? 'step') === 'step';
  const series = props.series.map((s, i) => ({ ...s, color: s.color ?? CHART_COLOURS[i % CHART_COLOURS.length]! }));
  const all = series.flatMap((s) => s.points);
  const ys = all.map((p) => p.y).filter((y): y is number => y !== null && Number.isFinite(y));
  if (all.length === 0 || ys.length === 0) {
    return (
      <Frame title={props.title} description={props.description} width={width} height={height}>
        <Empty width={width} height={height} text={props.empty ?? 'No data yet'} />
      </Frame>
    );
  }

  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys));
  const yLabels = yTicks.map(formatY);
  const xs = all.map((p) => p.x);
  const xMin = Math.min(...xs);
  const xLast = Math.max(...xs);
  const xMax = Math.max(xLast, props.xMax ?? xLast);
  const single = xMax === xMin;

  const legend = series.length > 1 || props.yLabel;
  const top = legend ? 34 : 14;
  const left = Math.max(40, Math.max(...yLabels.map((l) => l.length)) * CHAR + 14);
  const right = 18;
  const bottom = 30;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const sx = (x: number) => r(single ? left + plotW / 2 : left + ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number) => r(top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH);

  // x ticks: both ends and evenly between, without repeating a label (dates over a short span)
  const xTickCount = single ? 1 : Math.max(2, Math.min(5, Math.floor(plotW / 110)));
  const xTicks: Array<{ x: number; label: string }> = [];
  for (let i = 0; i < xTickCount; i++) {
    const x = single ? xMin : xMin + ((xMax - xMin) * i) / (xTickCount - 1);
    const label = formatX(x);
    if (!xTicks.some((t) => t.label === label)) xTicks.push({ x, label });
  }

  const pathOf = (points: ChartPoint[]): string => {
    let d = '';
    let pen: { x: number; y: number } | null = null;
    for (const p of points) {
      if (pen && step) d += ` H${sx(p.x)}`;
      if (p.y === null || !Number.isFinite(p.y)) {
        pen = null;
        continue;
      }
      if (!pen) d += ` M${sx(p.x)} ${sy(p.y)}`;
      else d += step ? ` V${sy(p.y)}` : ` L${sx(p.x)} ${sy(p.y)}`;
      pen = { x: p.x, y: p.y };
    }
    if (pen && step && xMax > pen.x) d += ` H${sx(xMax)}`;
    return d.trim();
  };

  let legendX = left;
  return (
    <Frame title={props.title} description={props.description} width={width} height={height}>
      {yTicks.map((t, i) => (
        <g>
          <line x1={left} x2={width - right} y1={sy(t)} y2={sy(t)} stroke={GRID} />
          <text x={left - 6} y={sy(t)} text-anchor="end" dominant-baseline="middle">
            {yLabels[i]}
          </text>
        </g>
      ))}
      <line x1={left} x2={left} y1={top} y2={top + plotH} stroke={AXIS} />
      <line x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} stroke={AXIS} />
      {xTicks.map((t, i) => (
        <g>
          <line x1={sx(t.x)} x2={sx(t.x)} y1={top + plotH} y2={top + plotH + 4} stroke={AXIS} />
          <text
            x={sx(t.x)}
            y={top + plotH + 18}
            text-anchor={single || xTicks.length === 1 ? 'middle' : i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}
          >
            {t.label}
          </text>
        </g>
      ))}
      {props.yLabel ? (
        <text x={4} y={14} font-weight="600">
          {props.yLabel}
        </text>
      ) : null}
      {series.length > 1
        ? series.map((s) => {
            const x = legendX + (props.yLabel ? props.yLabel.length * CHAR + 24 : 0);
            legendX += s.name.length * CHAR + 44;
            return (
              <g>
                <line x1={x} x2={x + 22} y1={10} y2={10} stroke={s.color} stroke-width={3} stroke-dasharray={s.dashed ? '6 4' : undefined} />
                <text x={x + 28} y={10} dominant-baseline="middle">
                  {s.name}
                </text>
              </g>
            );
          })
        : null}
      {series.map((s) => (
        <g>
          <path d={pathOf(s.points)} fill="none" stroke={s.color} stroke-width={2.5} stroke-dasharray={s.dashed ? '6 4' : undefined} />
          {s.points
            .filter((p) => p.y !== null && Number.isFinite(p.y))
            .map((p) => (
              <circle cx={sx(p.x)} cy={sy(p.y!)} r={3.5} fill={s.color}>
                <title>{`${s.name}: ${formatY(p.y!)} (${formatX(p.x)})`}</title>
              </circle>
            ))}
        </g>
      ))}
    </Frame>
  );
}

/** Vertical bars with a y axis from 0, each labelled below and with its value above. */
export function BarChart(props: BarChartProps) {
  const width = props.width ?? 640;
  const height = props.height ?? 260;
  const format = props.formatValue ?? plain;
  if (props.bars.length === 0) {
    return (
      <Frame title={props.title} description={props.description} width={width} height={height}>
        <Empty width={width} height={height} text={props.empty ?? 'No data yet'} />
      </Frame>
    );
  }
  const values = props.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const ticks = niceTicks(min, max === min ? min + 1 : max);
  const labels = ticks.map(format);
  const top = props.yLabel ? 34 : 22;
  const left = Math.max(40, Math.max(...labels.map((l) => l.length)) * CHAR + 14);
  const right = 12;
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const t0 = ticks[0]!;
  const t1 = ticks[ticks.length - 1]!;
  const sy = (v: number) => r(top + plotH - ((v - t0) / (t1 - t0 || 1)) * plotH);
  const slot = plotW / props.bars.length;
  const barW = r(Math.max(2, Math.min(64, slot * 0.7)));
  // category labels get the slot's width; longer ones are cut (the full text is the bar's tooltip)
  const maxChars = Math.max(3, Math.floor(slot / CHAR));
  const cut = (s: string) => (s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s);
  return (
    <Frame title={props.title} description={props.description} width={width} height={height}>
      {ticks.map((t, i) => (
        <g>
          <line x1={left} x2={width - right} y1={sy(t)} y2={sy(t)} stroke={GRID} />
          <text x={left - 6} y={sy(t)} text-anchor="end" dominant-baseline="middle">
            {labels[i]}
          </text>
        </g>
      ))}
      <line x1={left} x2={left} y1={top} y2={top + plotH} stroke={AXIS} />
      <line x1={left} x2={width - right} y1={sy(0)} y2={sy(0)} stroke={AXIS} />
      {props.yLabel ? (
        <text x={4} y={14} font-weight="600">
          {props.yLabel}
        </text>
      ) : null}
      {props.bars.map((b, i) => {
        const v = values[i]!;
        const cx = left + slot * i + slot / 2;
        const yTop = Math.min(sy(v), sy(0));
        const h = Math.abs(sy(v) - sy(0));
        return (
          <g>
            <rect x={r(cx - barW / 2)} y={yTop} width={barW} height={r(Math.max(h, v === 0 ? 0 : 1))} fill={b.color ?? CHART_COLOURS[0]}>
              <title>{`${b.label}: ${format(v)}`}</title>
            </rect>
            <text x={r(cx)} y={v >= 0 ? yTop - 5 : yTop + h + 14} text-anchor="middle">
              {format(v)}
            </text>
            <text x={r(cx)} y={top + plotH + 18} text-anchor="middle">
              {cut(b.label)}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}
