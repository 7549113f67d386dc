/**
 * `new Date(ms).toISOString()` without the Date: V8 formats dates slowly (about 1 µs each,
 * measured), and every ingested event needs its time in ISO form. The day part is remembered
 * (events of a batch fall on one or two days); the time of day is plain arithmetic. Anything
 * outside years 0000-9999 or not a whole millisecond goes to Date. test/signals-fast-path.test.ts
 * compares the two.
 */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on Date writes a six-digit year. */
const YEAR_10000 = 253_402_300_800_000;

let cachedDay = Number.NaN;
let cachedPrefix = '';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= YEAR_10000) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${cachedPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(millis)}Z`;
}
