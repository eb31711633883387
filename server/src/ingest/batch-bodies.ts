// The line protocol of the batch writer's queue: readings enqueued together keep the stored lines
// ingest built for them (one per reading, in order), and a batch taken from the queue takes their
// bytes along, splitting a chunk's bytes where the batch ends inside it.

/** Consecutive pending readings enqueued together, with their stored line protocol when given. */
export interface Chunk {
  count: number;
  body: Buffer<ArrayBuffer> | undefined;
}

/** The byte offset just past the `lines`-th newline of `body`. */
function afterLines(body: Buffer<ArrayBuffer>, lines: number): number {
  let offset = 0;
  for (let i = 0; i < lines; i++) offset = body.indexOf(10, offset) + 1;
  return offset;
}

/**
 * Takes the first `count` readings' chunks off `chunks` (splitting the last one if needed): their
 * line protocol, or undefined unless every one of them had it.
 */
export function takeBodies(chunks: Chunk[], count: number): Buffer<ArrayBuffer> | undefined {
  const parts: Array<Buffer<ArrayBuffer>> = [];
  let complete = true;
  for (let left = count; left > 0; ) {
    const chunk = chunks[0]!;
    let body = chunk.body;
    if (chunk.count <= left) {
      chunks.shift();
      left -= chunk.count;
    } else {
      // The batch ends inside this chunk: split its bytes after the last line taken.
      if (body) {
        const end = afterLines(body, left);
        chunk.body = body.subarray(end);
        body = body.subarray(0, end);
      }
      chunk.count -= left;
      left = 0;
    }
    if (body) parts.push(body);
    else complete = false;
  }
  return complete ? (parts.length === 1 ? parts[0] : Buffer.concat(parts)) : undefined;
}
