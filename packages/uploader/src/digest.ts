import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** Files up to this size are read whole: one syscall pair instead of a stream's machinery. */
const WHOLE_FILE_LIMIT = 1024 * 1024;

/** SHA-256 of a file; large files are streamed so they do not sit in memory. */
export async function sha256File(path: string): Promise<{ hex: string; base64: string; bytes: number }> {
  const hash = createHash('sha256');
  if ((await stat(path)).size <= WHOLE_FILE_LIMIT) {
    const body = await readFile(path);
    const digest = hash.update(body).digest();
    return { hex: digest.toString('hex'), base64: digest.toString('base64'), bytes: body.length };
  }
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  const digest = hash.digest();
  return { hex: digest.toString('hex'), base64: digest.toString('base64'), bytes };
}

/** Run `fn` over `items` with at most `limit` in flight, keeping order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
