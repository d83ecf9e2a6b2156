import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** RFC 3986 encoding, as SigV4 wants it for query names and values. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/**
 * Check a request's AWS Signature Version 4 (the `Authorization` header form) against a secret key, as
 * S3 does: written from AWS's published algorithm, not from the SDK that signs, so a signing bug would
 * not check itself. Returns undefined when the signature matches, or why it does not (S3's error code).
 * s3rver checks the access key id but never a V4 signature; the test proxy answers for it with this.
 */
export function checkSigV4(
  req: { method: string; url: string; headers: IncomingHttpHeaders },
  secretAccessKey: string,
  body: Buffer,
): 'SignatureDoesNotMatch' | 'AccessDenied' | 'XAmzContentSHA256Mismatch' | undefined {
  const auth = req.headers.authorization;
  const parsed =
    typeof auth === 'string'
      ? /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
          auth,
        )
      : null;
  if (!parsed) return 'AccessDenied';
  const [, , day, region, service, signedHeaders, signature] = parsed as unknown as string[];
  const date = req.headers['x-amz-date'];
  const payload = req.headers['x-amz-content-sha256'];
  if (typeof date !== 'string' || typeof payload !== 'string') return 'AccessDenied';
  if (payload !== 'UNSIGNED-PAYLOAD' && payload !== createHash('sha256').update(body).digest('hex'))
    return 'XAmzContentSHA256Mismatch';
  const [path, query = ''] = req.url.split('?', 2) as [string, string?];
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1));
      return [encode(name), encode(value)] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = (signedHeaders as string).split(';');
  const canonicalHeaders = names
    .map((name) => {
      const value = req.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  // S3 signs the path as sent (already encoded once), without normalising it.
  const canonical = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders, payload].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join(
    '\n',
  );
  let key = hmac(`AWS4${secretAccessKey}`, day as string);
  for (const part of [region as string, service as string, 'aws4_request']) key = hmac(key, part);
  return hmac(key, toSign).toString('hex') === signature ? undefined : 'SignatureDoesNotMatch';
}
