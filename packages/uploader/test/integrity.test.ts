import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type startS3, useS3 } from './helpers/s3.js';

// No wrong byte ever goes live. Bytes damaged between us and the server (the proxy flips one)
// are refused by the server because every PUT and every part carries Content-MD5, and sent again.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const isPut = (r: { method: string; url: string }, prefix: string) =>
  r.method === 'PUT' && r.url.startsWith(`/skewless/${prefix}/`);

function viaProxy(endpoint: string) {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: s3.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  cleanups.push(async () => client.destroy());
  return client;
}

/** Every object under `prefix` read back and compared with the local file of the same path. */
async function expectStoredEqualsLocal(dir: string, prefix: string, paths: string[]) {
  for (const path of paths) {
    const local = await readFile(join(dir, path));
    expect(sha(await s3.body(`${prefix}/${path}`)), path).toBe(sha(local));
  }
}

describe('integrity the server checks (Content-MD5)', () => {
  it('without Content-MD5 a flipped byte lands in the bucket (why the header is needed)', async () => {
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => isPut(r, 'raw'), fault: 'flip' },
    ]);
    cleanups.push(proxy.close);
    const client = viaProxy(proxy.endpoint);
    const body = Buffer.from('export const lazy = 1;\n');
    await client.send(new PutObjectCommand({ Bucket: 'skewless', Key: 'raw/a.js', Body: body }));
    expect(sha(await s3.body('raw/a.js'))).not.toBe(sha(body));
  });

  it('a flipped byte in a PUT is refused (400 BadDigest), sent again, and every object reads back right', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    // The first two PUTs are damaged on the way.
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => isPut(r, 'flip1'), fault: 'flip', times: 2 },
    ]);
    cleanups.push(proxy.close);
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/flip1',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      retryDelayMs: 1,
    });
    const refused = proxy.requests.filter((r) => r.fault === 'flip');
    expect(refused).toHaveLength(2);
    expect(refused.map((r) => r.status)).toEqual([400, 400]);
    expect(proxy.requests.filter((r) => isPut(r, 'flip1')).every((r) => r.headers['content-md5'])).toBe(true);
    const sent = result.files.filter((f) => f.action === 'upload').map((f) => f.path);
    expect(sent.length).toBeGreaterThanOrEqual(6);
    await expectStoredEqualsLocal(b.dir, 'flip1', sent);
  });

  it('a flipped byte in one multipart part is refused and the file still reads back right, with an -N ETag', async () => {
    const big = randomBytes(17 * 1024 * 1024);
    const b = await makeBuildDir({ 'assets/video-1a2b3c4d.bin': big, 'assets/a-0a1b2c3d.js': 'export {}\n' });
    cleanups.push(b.remove);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => isPut(r, 'flip2') && r.url.includes('partNumber=2'), fault: 'flip', times: 1 },
    ]);
    cleanups.push(proxy.close);
    await upload({
      dir: b.dir,
      to: 's3://skewless/flip2',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      multipartThreshold: 5 * 1024 * 1024,
      retryDelayMs: 1,
    });
    const parts = proxy.requests.filter((r) => isPut(r, 'flip2') && r.url.includes('partNumber='));
    expect(parts.every((r) => r.headers['content-md5'])).toBe(true);
    expect(parts.find((r) => r.fault === 'flip')?.status).toBe(400);
    expect(sha(await s3.body('flip2/assets/video-1a2b3c4d.bin'))).toBe(sha(big));
    // The damaged part was sent again, not the whole file.
    expect(
      parts.filter((r) => r.url.includes('partNumber=2&') || r.url.endsWith('partNumber=2')),
    ).toHaveLength(2);
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.url.includes('?uploads'))).toHaveLength(1);
    // What the server reports for the object is S3's multipart ETag: md5 of the part md5s, -N.
    const client = viaProxy(proxy.endpoint);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: 'skewless', Key: 'flip2/assets/video-1a2b3c4d.bin' }),
    );
    const partMd5s = [0, 1, 2].map((i) =>
      createHash('md5')
        .update(big.subarray(i * 8 * 1024 * 1024, (i + 1) * 8 * 1024 * 1024))
        .digest(),
    );
    expect(head.ETag).toBe(`"${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-3"`);
  });

  it('a server that ignores Content-MD5 stores a flipped byte: the ETag of the PUT tells, and the file is sent again', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const key = 'flip3/assets/lazy-9a8b7c6d.js';
    const proxy = await startAwsProxy(
      s3.server.endpoint,
      s3.client,
      [{ match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`), fault: 'flip', times: 1 }],
      { ignoreContentMd5: true },
    );
    cleanups.push(proxy.close);
    const options = {
      dir: b.dir,
      to: 's3://skewless/flip3',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      retryDelayMs: 1,
    };
    // Checked against what the server reports (the PUT's ETag), not against our sha256 metadata: the
    // damaged write is replaced at once (without If-None-Match, the key holds our own damaged object).
    const result = await upload(options);
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`));
    expect(puts).toHaveLength(2);
    expect(puts[1]?.headers['if-none-match']).toBeUndefined();
    const sent = result.files.filter((f) => f.action !== 'omit').map((f) => f.path);
    await expectStoredEqualsLocal(b.dir, 'flip3', sent);
  });

  it('a damaged write that stays damaged fails the upload naming the file, before any document', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const key = 'flip5/assets/lazy-9a8b7c6d.js';
    const proxy = await startAwsProxy(
      s3.server.endpoint,
      s3.client,
      [{ match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`), fault: 'flip' }],
      { ignoreContentMd5: true },
    );
    cleanups.push(proxy.close);
    await expect(
      upload({
        dir: b.dir,
        to: 's3://skewless/flip5',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        html: true,
        attempts: 2,
        retryDelayMs: 1,
      }),
    ).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      message: expect.stringContaining('assets/lazy-9a8b7c6d.js was stored with other bytes than were sent'),
    });
    expect((await s3.keys()).filter((k) => k.startsWith('flip5/') && k.endsWith('.html'))).toEqual([]);
  });

  it('an object damaged on the way by an earlier writer (our sha256 metadata, other bytes) is repaired by a re-run', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const path = 'assets/lazy-9a8b7c6d.js';
    const good = Buffer.from(VITE_LIKE[path]!);
    // What a writer without Content-MD5 left behind: the metadata describes the good bytes, the object not.
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'PUT', fault: 'flip' },
    ]);
    cleanups.push(proxy.close);
    await viaProxy(proxy.endpoint).send(
      new PutObjectCommand({
        Bucket: 'skewless',
        Key: `flip4/${path}`,
        Body: good,
        CacheControl: 'public, max-age=31536000, immutable',
        Metadata: { sha256: sha(good) },
      }),
    );
    expect(sha(await s3.body(`flip4/${path}`))).not.toBe(sha(good));
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/flip4',
      endpoint: s3.server.endpoint,
      credentials: s3.credentials,
      retryDelayMs: 1,
    });
    expect(result.files.find((f) => f.path === path)).toMatchObject({ action: 'upload' });
    expect(result.files.find((f) => f.path === path)?.reason).toMatch(/^damaged/);
    expect(sha(await s3.body(`flip4/${path}`))).toBe(sha(good));
  });
});
