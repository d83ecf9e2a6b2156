import { createHash } from 'node:crypto';
import type { ManifestFile } from '@skewless/core';
import { mapLimit, SkewlessError } from '@skewless/core';

/** Options of {@link verifyReachable}. */
export interface ReachableOptions {
  /** The public URL of the build's root, through the CDN: `https://cdn.example.com/app/`. */
  baseUrl: string;
  /** The files to request: their manifest entries (path, bytes, sha256). */
  files: readonly Pick<ManifestFile, 'path' | 'bytes' | 'sha256'>[];
  /** Requests in flight at once. @default 16 */
  concurrency?: number;
  /** Deadline of one request, body included, in ms. @default 30000 */
  timeoutMs?: number;
}

/** What {@link verifyReachable} found. */
export interface ReachableResult {
  /** Files requested. */
  checked: number;
  /** Bytes read. */
  bytes: number;
  /** The base URL as it may be shown (no user or password). */
  url: string;
}

/** The URL of a build path below a base URL, each segment encoded as a browser would request it. */
export function publicUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(path.split('/').map(encodeURIComponent).join('/'), base).href;
}

/**
 * Request every file through the public URL (the CDN) and fail unless each answers 200 with the expected
 * length and bytes (SHA-256 of the body), so HTML is never published while the CDN would serve a 404, a
 * stale error or other bytes for a file it references. Call it only for files whose upload was confirmed
 * (a probe of a missing file could make a CDN cache the 404). Every request has a deadline.
 */
export async function verifyReachable(options: ReachableOptions): Promise<ReachableResult> {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the base URL must be an http(s) URL of the build's root through the CDN, such as https://cdn.example.com/app/ (got ${JSON.stringify(shownUrl(options.baseUrl).slice(0, 60))}).`,
    );
  }
  // A user:password in the URL (a staging CDN behind basic auth) is sent as a header, never shown.
  const headers: Record<string, string> = {};
  if (base.username || base.password) {
    const pair = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const timeout = options.timeoutMs ?? 30_000;
  let bytes = 0;
  const problems = await mapLimit(options.files, options.concurrency ?? 16, async (file) => {
    const url = publicUrl(base.href, file.path);
    try {
      const response = await fetch(url, {
        headers,
        signal: AbortSignal.timeout(timeout),
        redirect: 'follow',
      });
      const body = Buffer.from(await response.arrayBuffer());
      bytes += body.length;
      if (response.status !== 200) return `${url} answered ${response.status}`;
      if (body.length !== file.bytes) return `${url} sent ${body.length} bytes, expected ${file.bytes}`;
      if (createHash('sha256').update(body).digest('hex') !== file.sha256)
        return `${url} sent other bytes than the build's (sha256 differs)`;
      return undefined;
    } catch (error) {
      const e = error as Error;
      return e.name === 'TimeoutError'
        ? `${url} did not answer within ${timeout} ms`
        : `${url} failed (${(e.cause as Error | undefined)?.message ?? e.message})`;
    }
  });
  const wrong = problems.filter((p): p is string => p !== undefined);
  if (wrong.length > 0) {
    throw new SkewlessError(
      'VERIFY_FAILED',
      `${wrong.length} of ${options.files.length} file(s) are not served right through ${base.href}: ${wrong.slice(0, 5).join('; ')}${wrong.length > 5 ? '; …' : ''}. No document was published. Check the CDN's origin and path (the base URL is the build's root), and purge any cached error, then run again.`,
    );
  }
  return { checked: options.files.length, bytes, url: base.href };
}

/** A URL as it may be shown: without a user or password. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return 'the given URL';
  }
}
