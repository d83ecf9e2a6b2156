import type { Encoding } from './encoding.js';

/**
 * A strong ETag from the content digest. Each coding is a different representation, so it gets its
 * own tag (RFC 9110 §8.8.3): a cache must not answer a gzip client's revalidation with brotli bytes.
 */
export function etagFor(digest: string, encoding?: Encoding): string {
  return `"${digest.slice(0, 32)}${encoding ? `-${encoding}` : ''}"`;
}

/** Whether an If-None-Match header matches the tag (weak comparison, as RFC 9110 asks for GET/HEAD). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}
