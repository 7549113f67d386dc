/**
 * NDJSON (JSON Lines): one object per line. A line that does not parse is that record's
 * problem only; the next line starts fresh, which is the point of the format.
 * Raw CR and LF cannot occur inside a JSON string, so splitting on either is exact.
 */
import { parseJsonRecord } from './json-safety';
import type { RawRecord } from './types';

export async function* readNdjson(text: AsyncIterable<string>, firstLine = 1): AsyncGenerator<RawRecord> {
  let pending = '';
  let line = firstLine;
  let skipLf = false; // the previous chunk ended in \r: a leading \n belongs to it

  for await (const chunk of text) {
    let start = 0;
    if (skipLf && chunk.charCodeAt(0) === 10) start = 1;
    skipLf = false;
    // Next LF and CR positions, each searched again only once passed: a file without
    // any CR must not rescan the chunk for one on every line.
    let lf = chunk.indexOf('\n', start);
    let cr = chunk.indexOf('\r', start);
    for (;;) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf('\r', start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) break;
      const record = parseLine(pending + chunk.slice(start, end), line);
      pending = '';
      if (record) yield record;
      line++;
      start = end + 1;
      if (end === cr) {
        if (end + 1 === chunk.length) skipLf = true;
        else if (chunk.charCodeAt(end + 1) === 10) start = end + 2;
      }
    }
    pending += chunk.slice(start);
  }
  const last = parseLine(pending, line);
  if (last) yield last;
}

function parseLine(text: string, line: number): RawRecord | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const parsed = parseJsonRecord(trimmed);
  return parsed.ok ? { line, fields: parsed.value } : { line, error: parsed.reason.slice(0, 200) };
}
