/**
 * A JSON array of products, read element by element.
 *
 * JSON.parse of a 200 MB body needs the text and the whole object graph in memory at once.
 * Instead a small scanner tracks string/escape/nesting state across chunks, cuts out each
 * top-level element's text and parses just that. An element that fails is a record error;
 * a file that is not an array, or ends before its closing `]`, fails as a whole (a
 * truncated upload must not publish as a shorter catalog).
 */
import { ImportFileError } from './errors';
import { MAX_JSON_DEPTH, parseJsonRecord } from './json-safety';
import { readNdjson } from './ndjson';
import type { RawRecord } from './types';

const Phase = {
  /** before the opening `[` */
  Start: 0,
  /** after `[` or `,`: an element or `]` comes next */
  BeforeElement: 1,
  InElement: 2,
  /** after an element: `,` or `]` */
  AfterElement: 3,
  /** after the closing `]`: only whitespace may follow */
  Done: 4,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const LF = 10;
const CR = 13;

function isSpace(c: number): boolean {
  return c === 32 || c === LF || c === CR || c === 9;
}

export async function* readJsonArray(text: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  const iterator = text[Symbol.asyncIterator]();
  let phase: Phase = Phase.Start;
  let line = 1;
  let lastWasCr = false;

  // State of the element being cut out.
  let pieces = ''; // text of the element from earlier chunks
  let elementLine = 0;
  let depth = 0;
  let maxDepth = 0;
  let inString = false;
  let escaped = false;
  let scalar = false; // a number/true/null element, which ends at `,`, `]` or whitespace

  const finishElement = (tail: string): RawRecord => {
    const body = pieces + tail;
    pieces = '';
    if (maxDepth > MAX_JSON_DEPTH) return { line: elementLine, error: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    const parsed = parseJsonRecord(body);
    return parsed.ok ? { line: elementLine, fields: parsed.value } : { line: elementLine, error: parsed.reason.slice(0, 200) };
  };

  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = next.value;
    let start = -1; // where the current element starts within this chunk, -1 if earlier
    const n = chunk.length;

    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF) {
        if (!lastWasCr) line++;
        lastWasCr = false;
      } else if (c === CR) {
        line++;
        lastWasCr = true;
      } else lastWasCr = false;

      switch (phase) {
        case Phase.InElement: {
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
            if (!inString && depth === 0) {
              // a top-level string element ends with its closing quote
              yield finishElement(chunk.slice(start === -1 ? 0 : start, i + 1));
              phase = Phase.AfterElement;
            }
            continue;
          }
          if (scalar) {
            if (c === COMMA || c === RBRACKET || isSpace(c)) {
              yield finishElement(chunk.slice(start === -1 ? 0 : start, i));
              // the character that ended it is the separator AfterElement expects
              phase = c === COMMA ? Phase.BeforeElement : c === RBRACKET ? Phase.Done : Phase.AfterElement;
            }
            continue;
          }
          if (c === QUOTE) inString = true;
          else if (c === LBRACE || c === LBRACKET) {
            depth++;
            if (depth > maxDepth) maxDepth = depth;
          } else if (c === RBRACE || c === RBRACKET) {
            depth--;
            if (depth === 0) {
              yield finishElement(chunk.slice(start === -1 ? 0 : start, i + 1));
              phase = Phase.AfterElement;
            }
          }
          continue;
        }
        case Phase.BeforeElement: {
          if (isSpace(c)) continue;
          if (c === RBRACKET) {
            phase = Phase.Done; // `[]`, or a trailing comma `[{…},]` we forgive
            continue;
          }
          if (c === COMMA) throw new ImportFileError('unexpected "," in the JSON array', line);
          phase = Phase.InElement;
          start = i;
          elementLine = line;
          depth = 0;
          maxDepth = 0;
          escaped = false;
          inString = c === QUOTE;
          scalar = !inString && c !== LBRACE && c !== LBRACKET;
          if (c === LBRACE || c === LBRACKET) depth = maxDepth = 1;
          continue;
        }
        case Phase.AfterElement: {
          if (isSpace(c)) continue;
          if (c === COMMA) phase = Phase.BeforeElement;
          else if (c === RBRACKET) phase = Phase.Done;
          else throw new ImportFileError(`expected "," or "]" between array elements, found "${chunk[i]}"`, line);
          continue;
        }
        case Phase.Start: {
          if (isSpace(c) || c === 0xfeff) continue;
          if (c === LBRACKET) {
            phase = Phase.BeforeElement;
            continue;
          }
          if (c === LBRACE) {
            // One object per line sent as JSON (Google's products.json is exactly that).
            yield* readNdjson(replay(chunk.slice(i), iterator), line);
            return;
          }
          throw new ImportFileError('not JSON: a JSON file must start with "[" (an array of products)', line);
        }
        case Phase.Done: {
          if (isSpace(c)) continue;
          throw new ImportFileError('unexpected text after the closing "]" of the JSON array', line);
        }
      }
    }
    if (phase === Phase.InElement) pieces += start === -1 ? chunk : chunk.slice(start);
  }

  if (phase === Phase.InElement && scalar && !inString) {
    yield finishElement('');
    phase = Phase.AfterElement;
  }
  // (casts: the compiler loses track of assignments made inside the switch in the loop)
  if ((phase as Phase) === Phase.Start) throw new ImportFileError('the file is empty: expected a JSON array');
  if ((phase as Phase) !== Phase.Done) throw new ImportFileError('the JSON array is not closed: the file ends before its "]" (truncated upload?)', line);
}

async function* replay(first: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
