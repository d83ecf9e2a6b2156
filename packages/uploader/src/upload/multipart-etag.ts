import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { unreadableFile } from '@skewless/core';

/** S3's ETag of an object sent in parts: the MD5 of the parts' MD5s, a dash, the number of parts. */
export const MULTIPART_ETAG = /^[0-9a-f]{32}-\d+$/;

/** The part size the S3 target sends a file of `bytes` in: 8 MiB, larger only to stay within 9,000 parts. */
export function partSizeFor(bytes: number): number {
  return Math.max(8 * 1024 * 1024, Math.ceil(bytes / 9000));
}

/** S3's multipart ETag of parts with these MD5s, in part order: `<md5 of the concatenated md5s>-<count>`. */
export function multipartEtagOfParts(md5s: readonly Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`;
}

/**
 * The multipart ETag S3 reports for this file when it was sent in parts of {@link partSizeFor}: what the
 * server says it holds, to compare with, instead of the sha256 metadata we wrote ourselves (which names
 * the bytes meant, not the bytes stored). Reads the file once, a part at a time.
 */
export async function multipartEtagOf(file: string, bytes: number): Promise<string> {
  const size = partSizeFor(bytes);
  const handle = await open(file, 'r').catch((error) => {
    throw unreadableFile(file, error);
  });
  try {
    const md5s: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(Math.min(size, 1024 * 1024));
    for (let start = 0; start < bytes || md5s.length === 0; start += size) {
      const hash = createHash('md5');
      let at = start;
      const end = Math.min(start + size, bytes);
      while (at < end) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - at), at);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
      md5s.push(hash.digest());
      if (bytes === 0) break;
    }
    return multipartEtagOfParts(md5s);
  } finally {
    await handle.close();
  }
}
