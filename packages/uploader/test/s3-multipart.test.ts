import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { startRecordingProxy, startS3 } from './helpers/s3.js';

let s3: Awaited<ReturnType<typeof startS3>>;
let big: Awaited<ReturnType<typeof makeBuildDir>>;
const cleanups: (() => Promise<void>)[] = [];
const BIG = 'assets/video-1a2b3c4d.bin';
let bytes: Buffer;

beforeAll(async () => {
  s3 = await startS3();
  // 40 MB generated here, never committed.
  bytes = randomBytes(40 * 1024 * 1024);
  big = await makeBuildDir({ [BIG]: bytes, 'assets/small-0a1b2c3d.js': 'export {}\n' });
});
afterAll(async () => {
  await big?.remove();
  await s3?.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('multipart uploads (real s3rver)', () => {
  it('a 40 MB file goes up in parts and reads back byte-identical, with its headers', async () => {
    const proxy = await startRecordingProxy(s3.server.endpoint);
    cleanups.push(proxy.close);
    const seen: number[] = [];
    const result = await upload({
      dir: big.dir,
      to: 's3://skewless/big',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      onProgress: (p) => {
        if (p.phase === 'assets') seen.push(p.bytes);
      },
    });
    // Progress moves part by part, not only when the 40 MB file is done.
    const total = bytes.length + 'export {}\n'.length;
    expect(seen.filter((n) => n > 0 && n < bytes.length).length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBe(total);
    expect(result.uploaded).toBe(2);
    const parts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
    expect(parts.length).toBe(5);
    expect(proxy.requests.some((r) => r.method === 'POST' && r.url.includes('?uploads'))).toBe(true);
    expect(proxy.requests.some((r) => r.method === 'POST' && r.url.includes('uploadId='))).toBe(true);

    const back = await s3.body(`big/${BIG}`);
    expect(back.length).toBe(bytes.length);
    expect(sha(back)).toBe(sha(bytes));
    const head = await s3.head(`big/${BIG}`);
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
    expect(head.Metadata?.sha256).toBe(sha(bytes));

    const again = await upload({
      dir: big.dir,
      to: 's3://skewless/big',
      endpoint: s3.server.endpoint,
      credentials: s3.credentials,
    });
    expect(again.uploaded).toBe(0);
  });

  it('mocked part failure (a 400 no local server gives): the multipart upload is aborted, nothing is left', async () => {
    let partsSeen = 0;
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
      if (req.method === 'PUT' && req.url.includes('partNumber=') && ++partsSeen === 3) {
        return {
          status: 400,
          headers: { 'content-type': 'application/xml' },
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidPart</Code><Message>mocked</Message></Error>',
        };
      }
      return undefined;
    });
    cleanups.push(proxy.close);
    await expect(
      upload({
        dir: big.dir,
        to: 's3://skewless/aborted',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        concurrency: 1,
      }),
    ).rejects.toMatchObject({ code: 'UPLOAD_FAILED', message: expect.stringContaining(`aborted/${BIG}`) });
    expect(proxy.requests.some((r) => r.method === 'DELETE' && r.url.includes('uploadId='))).toBe(true);
    // The small file before it landed; the big one left no object (and no pending upload to pay for).
    // The release's pending record stays: a re-run resumes, and a prune meanwhile keeps its files.
    expect((await s3.keys()).filter((k) => k.startsWith('aborted/'))).toEqual([
      expect.stringMatching(/^aborted\/\.skewless\/releases\/[0-9a-f]{16}\.json$/),
      'aborted/assets/small-0a1b2c3d.js',
    ]);
  });

  it('at most two multipart uploads are in flight at once, whatever the concurrency (bounds the part buffers)', async () => {
    // Four files of 9 MiB with the threshold at 8 MiB: each goes up as two parts.
    const files: Record<string, Buffer> = {};
    for (const hash of ['0a1b2c3d', '1b2c3d4e', '2c3d4e5f', '3d4e5f6a'])
      files[`assets/blob-${hash}.bin`] = randomBytes(9 * 1024 * 1024);
    const b = await makeBuildDir(files);
    cleanups.push(b.remove);
    let open = 0;
    let most = 0;
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
      // Opened by CreateMultipartUpload (POST ?uploads), closed when CompleteMultipartUpload arrives.
      if (req.method === 'POST' && /[?&]uploads(=|&|$)/.test(req.url)) most = Math.max(most, ++open);
      else if (req.method === 'POST' && req.url.includes('uploadId=')) open--;
      return undefined;
    });
    cleanups.push(proxy.close);
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/many-big',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      multipartThreshold: 8 * 1024 * 1024,
      concurrency: 16,
    });
    expect(result.uploaded).toBe(4);
    expect(proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='))).toHaveLength(8);
    expect(most).toBe(2);
    for (const [path, body] of Object.entries(files))
      expect(sha(await s3.body(`many-big/${path}`)), path).toBe(sha(body));
  });
});
