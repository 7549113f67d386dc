/**
 * Sale windows (`sale_price_effective_date`, an ISO 8601 `start/end`) read in the catalog's
 * time zone: a side without an offset is wall-clock time there, a date-only end runs to the end
 * of that day. Outside its window a sale price must not be shown, so no ad shows a sale on a
 * full-price item.
 */

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Milliseconds since the epoch of a wall-clock date-time in `timeZone`. */
export function zonedTimeToEpoch(local: string, timeZone: string): number {
  // Read the wall clock as if it were UTC, then correct by the zone's offset at that moment
  // (twice, so a time right after a DST change lands on the right side of it).
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return NaN; // unreadable: Intl would throw on an invalid date
  let t = asUtc - offsetAt(asUtc, timeZone);
  t = asUtc - offsetAt(t, timeZone);
  return t;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `epoch`, in milliseconds. */
function offsetAt(epoch: number, timeZone: string): number {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(epoch))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(epoch / 1000) * 1000;
}

function boundary(text: string, timeZone: string, isEnd: boolean): number {
  if (HAS_OFFSET.test(text)) return Date.parse(text);
  if (DATE_ONLY.test(text)) {
    const start = zonedTimeToEpoch(`${text}T00:00:00`, timeZone);
    // a date-only end means "through that day": up to the next local midnight
    if (!isEnd || Number.isNaN(start)) return start;
    const next = new Date(Date.parse(`${text}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return zonedTimeToEpoch(`${next}T00:00:00`, timeZone);
  }
  return zonedTimeToEpoch(text.length === 16 ? `${text}:00` : text, timeZone);
}

/** The window as epoch milliseconds `[start, end)`, or null when it cannot be read. */
export function saleWindow(interval: string, timeZone: string): { start: number; end: number } | null {
  const [a, b] = interval.split('/');
  if (!a || !b) return null;
  const start = boundary(a, timeZone, false);
  const end = boundary(b, timeZone, true);
  return Number.isNaN(start) || Number.isNaN(end) ? null : { start, end };
}

/**
 * Is a sale with this window on at `now`? No window means always on (Google's rule for a
 * sale_price without dates); an unreadable window means off, the safe side.
 */
export function saleIsOn(interval: string | null, timeZone: string, now: Date): boolean {
  if (interval === null) return true;
  const w = saleWindow(interval, timeZone);
  return w !== null && now.getTime() >= w.start && now.getTime() < w.end;
}
