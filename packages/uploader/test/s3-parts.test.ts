import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Target, protectedTransport } from '../src/targets/s3.js';
import { PartBuffers } from '../src/targets/s3-parts.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { startRecordingProxy, startS3 } from './helpers/s3.js';

let s3: Awaited<ReturnType<typeof startS3>>;
let scratch: string;
beforeAll(async () => {
  s3 = await startS3();
  scratch = await mkdtemp(join(tmpdir(), 'skewless-parts-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await s3?.close();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('bodies sent as UNSIGNED-PAYLOAD, checked by Content-MD5 and the sha256 read as sent', () => {
  it('only TLS and loopback endpoints count as a protected transport', () => {
    expect(protectedTransport(undefined)).toBe(true);
    expect(protectedTransport('https://s3.example.com')).toBe(true);
    expect(protectedTransport('http://127.0.0.1:9000')).toBe(true);
    expect(protectedTransport('http://localhost:9000')).toBe(true);
    expect(protectedTransport('http://[::1]:9000')).toBe(true);
    expect(protectedTransport('http://10.0.0.5:9000')).toBe(false);
    expect(protectedTransport('http://minio.internal')).toBe(false);
    expect(protectedTransport('not a url')).toBe(false);
  });

  it('on loopback every PUT and part goes UNSIGNED-PAYLOAD with a Content-MD5, and reads back whole', async () => {
    // 9 MiB in parts of 8 MiB (threshold 8 MiB) and one small file: generated here, never committed.
    const big = randomBytes(9 * 1024 * 1024);
    const b = await makeBuildDir({
      'assets/video-1a2b3c4d.bin': big,
      'assets/small-0a1b2c3d.js': 'export {}\n',
    });
    const proxy = await startRecordingProxy(s3.server.endpoint);
    try {
      const result = await upload({
        dir: b.dir,
        to: 's3://skewless/unsigned',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        multipartThreshold: 8 * 1024 * 1024,
      });
      expect(result.uploaded).toBe(2);
      const bodies = proxy.requests.filter(
        (r) => r.method === 'PUT' && !r.url.includes('/.skewless/') && !r.url.includes('skewless.json'),
      );
      expect(bodies.length).toBe(3);
      for (const r of bodies) {
        expect(r.headers['x-amz-content-sha256'], r.url).toBe('UNSIGNED-PAYLOAD');
        expect(r.headers['content-md5'], r.url).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      }
      expect(sha(await s3.body('unsigned/assets/video-1a2b3c4d.bin'))).toBe(sha(big));
    } finally {
      await proxy.close();
      await b.remove();
    }
  });

  it('with a threshold below every size, bytes held in memory (small files, the publish lock) still go in one PutObject', async () => {
    const b = await makeBuildDir({
      'assets/small-0a1b2c3d.js': 'export {}\n',
      'index.html': '<!doctype html>',
    });
    const proxy = await startRecordingProxy(s3.server.endpoint);
    try {
      const result = await upload({
        dir: b.dir,
        to: 's3://skewless/tiny-threshold',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        multipartThreshold: 1,
        html: true,
      });
      expect(result.uploaded).toBe(2);
      expect(proxy.requests.filter((r) => r.url.includes('uploads')).map((r) => r.url)).toEqual([]);
      expect((await s3.body('tiny-threshold/index.html')).toString()).toBe('<!doctype html>');
    } finally {
      await proxy.close();
      await b.remove();
    }
  });

  it('a file sent in parts unread whose bytes are not the manifest’s is refused before it becomes visible', async () => {
    const file = join(scratch, 'blob.bin');
    const bytes = randomBytes(9 * 1024 * 1024);
    await writeFile(file, bytes);
    const proxy = await startRecordingProxy(s3.server.endpoint);
    const target = await createS3Target({
      bucket: 'skewless',
      prefix: 'stale',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      multipartThreshold: 8 * 1024 * 1024,
    });
    try {
      expect(target.checksWhileSending?.(bytes.length)).toBe(true);
      // Under the threshold it goes out as one PutObject, visible at once: not checked while sent.
      expect(target.checksWhileSending?.(8 * 1024 * 1024 - 1)).toBe(false);
      const request = {
        path: 'assets/blob-1a2b3c4d.bin',
        file,
        bytes: bytes.length,
        // The manifest's digest of other bytes: the file changed after the build.
        sha256: sha(Buffer.from('other bytes')),
        contentType: 'application/octet-stream',
        cacheControl: 'public, max-age=31536000, immutable',
        release: '0123456789abcdef',
        ifNoneMatch: true,
        unread: true,
      };
      await expect(target.put(request)).rejects.toMatchObject({
        code: 'INVALID_MANIFEST',
        message: expect.stringContaining('sha256 differs'),
      });
      // Both parts went out, no CompleteMultipartUpload did, and the upload was aborted.
      expect(proxy.requests.filter((r) => r.url.includes('partNumber=')).length).toBe(2);
      expect(proxy.requests.some((r) => r.method === 'POST' && r.url.includes('uploadId='))).toBe(false);
      expect(proxy.requests.some((r) => r.method === 'DELETE' && r.url.includes('uploadId='))).toBe(true);
      expect((await s3.keys()).filter((k) => k.startsWith('stale/'))).toEqual([]);
      // The same request with the file's own digest goes through.
      await expect(target.put({ ...request, sha256: sha(bytes) })).resolves.toBe('written');
      expect(sha(await s3.body('stale/assets/blob-1a2b3c4d.bin'))).toBe(sha(bytes));
    } finally {
      await target.close();
      await proxy.close();
    }
  });
});

describe('PartBuffers: the part buffers one target shares among its multipart uploads', () => {
  it('hands out at most `most` at once, first come first served, and reuses what is given back', async () => {
    const pool = new PartBuffers(1024, 2);
    const a = await pool.take(1024);
    const b = await pool.take(100);
    const order: string[] = [];
    const third = pool.take(1024).then((buffer) => {
      order.push('third');
      return buffer;
    });
    const fourth = pool.take(1024).then((buffer) => {
      order.push('fourth');
      return buffer;
    });
    // Both wait: two are out. Settle every pending callback before looking.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    pool.give(a);
    expect(await third).toBe(a);
    expect(order).toEqual(['third']);
    pool.give(b);
    expect(await fourth).toBe(b);
    expect(order).toEqual(['third', 'fourth']);
  });

  it('a part larger than the pool size gets a buffer of its own, counted, and not kept', async () => {
    const pool = new PartBuffers(1024, 1);
    const big = await pool.take(4096);
    expect(big.length).toBe(4096);
    let waited = true;
    const next = pool.take(1024).then((buffer) => {
      waited = false;
      return buffer;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(waited).toBe(true);
    pool.give(big);
    const small = await next;
    expect(small.length).toBe(1024);
    expect(small).not.toBe(big);
  });
});
