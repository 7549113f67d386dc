/**
 * Resolves on a later turn of the event loop. A synchronous driver (better-sqlite3) settles its
 * promises at once, so a loop of chunked statements would otherwise hold Node's main thread
 * until the last chunk: awaiting this between chunks lets waiting requests in.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
