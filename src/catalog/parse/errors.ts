/**
 * Whole-file failures of an import. A record-level problem (one bad row) never throws:
 * it becomes a `{ line, error }` record and parsing goes on. These are for files that
 * cannot be read at all, where publishing a partial result would be wrong (a truncated
 * replace import would delete the rest of the catalog).
 */
export class ImportFileError extends Error {
  override readonly name: string = 'ImportFileError';
  constructor(
    readonly reason: string,
    /** 1-based line the problem was found at, when known. */
    readonly line?: number,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
  }
}

/** The body passed the byte cap: the HTTP layer answers 413 for this one. */
export class TooLargeError extends ImportFileError {
  override readonly name: string = 'TooLargeError';
  constructor(readonly maxBytes: number) {
    super(`file is larger than the ${maxBytes} byte limit`);
  }
}
