/**
 * Text that outlives the chunk it was read from.
 *
 * V8 makes a substring of 13 characters or more (`slice`, `substring`, regex matches) a view
 * of its parent string: the parent stays in memory as long as the substring does. Readers
 * slice values out of decoded chunks of ~64 KB, so a short id kept in a Map for the whole
 * import would keep its entire chunk alive, and a file's worth of ids the whole file.
 * Anything kept past its row (ids remembered for duplicates, parents waiting for variants)
 * goes through `unpinned` first.
 */

/** V8 copies substrings shorter than this (SlicedString::kMinLength) instead of making views. */
export const MIN_VIEW_LENGTH = 13;

/** The same text, in a string that keeps no larger string alive. */
export function unpinned(text: string): string {
  if (text.length < MIN_VIEW_LENGTH) return text;
  // Slicing a concatenation flattens it into a new string first: that string is the copy,
  // and the slice is a view of that copy only.
  return ` ${text}`.slice(1);
}
