/** Turns an async generator of text chunks into a byte stream that pulls on demand. */
export function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        // The client went away: stop reading pages from the store.
        await chunks.return(undefined);
      },
    },
    // Pull one chunk ahead, no more: memory stays flat however large the feed.
    { highWaterMark: 1 },
  );
}
