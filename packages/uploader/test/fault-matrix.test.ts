import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { type Fault, startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type startS3, useS3 } from './helpers/s3.js';

// Every fault the proxy can inject (a drip: one byte of the answer every 250 ms), on a small build and on one with a 20 MiB file (multipart), with
// a server that checks Content-MD5 (AWS) and one that does not (s3rver, some S3-compatible services).
// After each upload every object is read back and hashed against its file: no wrong byte is stored
// under a published name, and the HTML is there only because every asset is.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

const BIG = 'assets/video-1a2b3c4d.bin';
let bigBytes: Buffer;
beforeAll(() => {
  // Generated here, never committed; 20 MiB is over the 16 MiB multipart threshold (3 parts).
  bigBytes = randomBytes(20 * 1024 * 1024);
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const FAULTS: Fault[] = [
  'slowdown',
  'internal',
  'reset',
  'hang',
  'flip',
  'truncate',
  'lost-reply',
  'drip',
  'drip-headers',
];

/** Faults that end only at the request's deadline. */
const STALLS: Fault[] = ['hang', 'drip', 'drip-headers'];

interface Case {
  fault: Fault;
  build: 'small' | 'large';
  checksMd5: boolean;
}

const cases: Case[] = FAULTS.flatMap((fault) =>
  (['small', 'large'] as const).flatMap((build) =>
    // Whether the server checks Content-MD5 only matters for damaged bytes.
    (fault === 'flip' || fault === 'truncate' ? [true, false] : [true]).map((checksMd5) => ({
      fault,
      build,
      checksMd5,
    })),
  ),
);

describe('fault matrix: every object reads back right after each fault', () => {
  it.each(cases)(
    '$fault on a $build build (server checks Content-MD5: $checksMd5)',
    async ({ fault, build, checksMd5 }) => {
      const files: Record<string, string | Buffer> =
        build === 'large' ? { ...VITE_LIKE, [BIG]: bigBytes } : { ...VITE_LIKE };
      const b = await makeBuildDir(files);
      cleanups.push(b.remove);
      const prefix = `matrix-${fault}-${build}-${checksMd5 ? 'md5' : 'nomd5'}`;
      // The fault hits the large file's second part, or the small build's stylesheet, twice. A PUT's
      // answer has no body to drip: a body drip hits the large file's CompleteMultipartUpload (its answer
      // is XML), or the small build's listings.
      const target =
        build === 'large' ? `/skewless/${prefix}/${BIG}` : `/skewless/${prefix}/assets/index-0a1b2c3d.css`;
      const hit = (r: { method: string; url: string }) =>
        fault !== 'drip'
          ? r.method === 'PUT' &&
            r.url.startsWith(target) &&
            (build === 'small' || r.url.includes('partNumber=2'))
          : build === 'large'
            ? r.method === 'POST' && r.url.startsWith(target) && r.url.includes('uploadId=')
            : r.method === 'GET' && r.url.includes('list-type=2') && r.url.includes(`prefix=${prefix}`);
      const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [{ match: hit, fault, times: 2 }], {
        ignoreContentMd5: !checksMd5,
      });
      cleanups.push(proxy.close);
      const result = await upload({
        dir: b.dir,
        to: `s3://skewless/${prefix}`,
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        html: true,
        retryDelayMs: 1,
        // A hang or a drip must end: the deadline is short, an 8 MiB part on loopback takes far less.
        requestTimeoutMs: STALLS.includes(fault) ? 3000 : undefined,
        attempts: 5,
      });
      expect(proxy.requests.filter((r) => r.fault === fault)).toHaveLength(2);
      // Source maps are private: never uploaded. Everything else is, and reads back with its bytes.
      const published = Object.keys(files).filter((p) => !p.endsWith('.map'));
      expect(result.uploaded).toBeGreaterThanOrEqual(published.length);
      const keys = await s3.keys();
      for (const path of published) {
        const local = await readFile(join(b.dir, path));
        expect(keys, path).toContain(`${prefix}/${path}`);
        expect(sha(await s3.body(`${prefix}/${path}`)), path).toBe(sha(local));
      }
      expect(keys).not.toContain(`${prefix}/assets/index-1a2b3c4d.js.map`);
    },
  );

  it('a re-run repairs a multipart object that holds other bytes under our own sha256 metadata', async () => {
    const b = await makeBuildDir({ ...VITE_LIKE, [BIG]: bigBytes });
    cleanups.push(b.remove);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client);
    cleanups.push(proxy.close);
    // What a run killed after a damaged part leaves: the object complete, in parts, with the sha256 of
    // the file it was meant to hold. Its multipart ETag is the server's word on what it holds.
    const damaged = Buffer.from(bigBytes);
    damaged[damaged.length >> 1] = (damaged[damaged.length >> 1] ?? 0) ^ 0xff;
    const client = new S3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    cleanups.push(async () => client.destroy());
    await new Upload({
      client,
      params: {
        Bucket: 'skewless',
        Key: `repair/${BIG}`,
        Body: damaged,
        Metadata: { sha256: sha(bigBytes) },
      },
      partSize: 8 * 1024 * 1024,
    }).done();
    expect(sha(await s3.body(`repair/${BIG}`))).toBe(sha(damaged));
    await upload({
      dir: b.dir,
      to: 's3://skewless/repair',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      retryDelayMs: 1,
    });
    expect(sha(await s3.body(`repair/${BIG}`))).toBe(sha(bigBytes));
  });

  it('a server without conditional writes (501 to If-None-Match, as Backblaze B2): plain PUTs, one warning, every object right', async () => {
    const b = await makeBuildDir({ ...VITE_LIKE, [BIG]: bigBytes });
    cleanups.push(b.remove);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], { noConditionalWrites: true });
    cleanups.push(proxy.close);
    const warnings: string[] = [];
    await upload({
      dir: b.dir,
      to: 's3://skewless/b2',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      retryDelayMs: 1,
      logger: { info() {}, debug() {}, error() {}, warn: (m: string) => warnings.push(m) },
    });
    expect(proxy.requests.some((r) => r.status === 501)).toBe(true);
    expect(warnings.filter((w) => w.includes('does not support conditional writes'))).toHaveLength(1);
    for (const path of Object.keys({ ...VITE_LIKE, [BIG]: 1 }).filter((p) => !p.endsWith('.map'))) {
      const local = await readFile(join(b.dir, path));
      expect(sha(await s3.body(`b2/${path}`)), path).toBe(sha(local));
    }
  });
});
