/**
 * The last `maxBytes` of a byte stream, read to its end while holding no more than that (plus
 * the chunk in hand): a log of hundreds of MB never sits in memory. A multi-byte character cut
 * at the start is dropped.
 */
export async function readTail(
  stream: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<string> {
  let kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (buf.length >= maxBytes) {
      // Copied: a slice would keep the whole chunk alive.
      kept = [Buffer.from(buf.subarray(buf.length - maxBytes))];
      size = maxBytes;
      continue;
    }
    kept.push(Buffer.from(buf));
    size += buf.length;
    while (size - (kept[0]?.length ?? 0) >= maxBytes) size -= kept.shift()?.length ?? 0;
  }
  let all = Buffer.concat(kept, size);
  if (all.length > maxBytes) all = all.subarray(all.length - maxBytes);
  // Skip UTF-8 continuation bytes left over from a character cut in two.
  let start = 0;
  while (start < all.length && start < 4 && ((all[start] ?? 0) & 0xc0) === 0x80) start += 1;
  return all.subarray(start).toString("utf8");
}
