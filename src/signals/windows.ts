/**
 * Time windows over signals are whole UTC days ending today ("the last 7 days" is today and the
 * six days before), because per-product counts are kept per day (product_event_days): a window
 * that cut a day in two could not be answered from them. Stats and labels share this definition.
 */
const DAY_MS = 86_400_000;

/** ISO start of the window of `days` whole UTC days that ends with the day of `now`. */
export function dayWindowStart(now: Date, days: number): string {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return new Date(today - (days - 1) * DAY_MS).toISOString();
}
