/**
 * CSV cells for files people open in spreadsheets (audience exports, admin downloads).
 *
 * Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and,
 * after a leading tab or carriage return, whatever follows) as a formula: `=HYPERLINK(...)` in
 * an exported value can exfiltrate the sheet or run commands (CSV injection, OWASP). Such text
 * gets a leading `'`, which spreadsheets show as text and hide. Plain numbers (`-1`, `+3.5`,
 * `-2e3`) are left alone: they are not formulas, and prefixing them would turn numbers into text.
 *
 * This is for human-facing exports only. Feeds for ad platforms are machine-read and must carry
 * values exactly; they use src/feeds/escape.ts.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The text, prefixed with `'` when a spreadsheet would read it as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One RFC 4180 CSV cell: formula-neutralised, then quoted when it holds a comma, quote or line break. */
export function safeCsvCell(text: string): string {
  const safe = neutraliseFormula(text);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
