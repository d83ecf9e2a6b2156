import { createHash } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload/upload.js';
import { type FaultRule, type ProxyRecord, startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { type startS3, useS3 } from './helpers/s3.js';

// Small files go up as PutObjects built without the SDK's middleware stack once the SDK has sent one
// (s3-direct.ts). Everything here goes through the AWS-like proxy checking every SigV4 signature with the
// real secret (as S3 does, by an implementation of its own), so a request signed wrongly is refused. The
// upload runs one request at a time, so which write goes which way is fixed: the first through the SDK,
// the rest directly, until an unusual answer hands the rest back to the SDK.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Names whose keys need encoding, and whose signatures need that encoding right. */
const NAMES = [
  'assets/a-plain-1a2b3c4d.js',
  'assets/with space-2b3c4d5e.js',
  'assets/ünïcødé-日本-3c4d5e6f.js',
  'assets/plus+sign-4d5e6f70.svg',
  'assets/percent%20literal-5e6f7081.js',
  "assets/bang!star*quote'(paren)-66666666.js",
  'assets/amp&eq=semi;-6f708192.css',
  'assets/hash#q?-708192a3.css',
  'assets/tilde~dot.under_score-8192a3b4.js',
  'assets/deep/er/path-92a3b4c5.js',
  'assets/zz-slow-a3b4c5d6.js',
  'assets/zz-flip-b4c5d6e7.js',
  'assets/zz-hang-c5d6e7f8.js',
  'assets/zz-reset-d6e7f809.js',
  'assets/zz-skew-e7f8091a.js',
  'assets/zzz-after-f8091a2b.js',
];

/** A build of `names` (each file its own name), with its manifest. */
async function build(names: string[], extra: Record<string, string> = {}) {
  const files = Object.fromEntries(names.map((n, i) => [n, `/* ${n} ${i} */\n`]));
  const b = await makeBuildDir({ ...files, ...extra });
  cleanups.push(b.remove);
  const manifest = await createManifest({ dir: b.dir });
  await writeManifest(b.dir, manifest);
  return { b, manifest };
}

/** Sent through the SDK: it names itself in every request; a direct PutObject does not. */
const viaSdk = (r: ProxyRecord) => r.headers['x-amz-user-agent'] !== undefined;

const keyOf = (r: ProxyRecord, prefix: string) =>
  decodeURIComponent(new URL(r.url, 'http://x').pathname).slice(`/skewless/${prefix}/`.length);

describe('small files sent without the SDK middleware stack', () => {
  it('after the first write, PutObjects go directly: signed right, encoded right, read back byte for byte with the same headers', async () => {
    const { b, manifest } = await build(NAMES.slice(0, 10), {
      'index.html': '<!doctype html><title>direct</title>',
    });
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      secretAccessKey: s3.server.secretAccessKey,
    });
    cleanups.push(proxy.close);
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/direct',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      concurrency: 1,
    });
    expect(proxy.requests.filter((r) => r.status === 403)).toEqual([]);
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r, 'direct').startsWith('assets/'));
    expect(puts).toHaveLength(10);
    expect(viaSdk(puts[0]!)).toBe(true);
    expect(puts.slice(1).filter(viaSdk)).toEqual([]);
    // Each object as a direct write stores it: the bytes, and the headers the SDK would have sent.
    const first = await s3.client.send(
      new HeadObjectCommand({ Bucket: 'skewless', Key: `direct/${keyOf(puts[0]!, 'direct')}` }),
    );
    for (const file of manifest.files.filter((f) => f.path.startsWith('assets/'))) {
      expect(sha(await s3.body(`direct/${file.path}`)), file.path).toBe(file.sha256);
      const head = await s3.client.send(
        new HeadObjectCommand({ Bucket: 'skewless', Key: `direct/${file.path}` }),
      );
      expect(head.ContentType, file.path).toBe(file.contentType);
      expect(head.CacheControl, file.path).toBe(file.cacheControl);
      expect(file.class, file.path).toBe('immutable');
      expect(head.Metadata, file.path).toEqual({ sha256: file.sha256, release: first.Metadata?.release });
    }
    expect(result.release).toBe(first.Metadata?.release);
    // The direct writes are conditional and carry their Content-MD5, as the SDK's do.
    for (const put of puts) {
      expect(put.headers['if-none-match']).toBe('*');
      expect(put.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    }
  });

  it('temporary credentials (a session token, as CI roles give): the direct writes carry and sign the token', async () => {
    const { b, manifest } = await build(NAMES.slice(0, 6));
    const token = 'FwoGZXIvYXdzEXAMPLEsessiontoken+/=';
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      secretAccessKey: s3.server.secretAccessKey,
    });
    cleanups.push(proxy.close);
    await upload({
      dir: b.dir,
      to: 's3://skewless/session',
      endpoint: proxy.endpoint,
      credentials: { ...s3.credentials, sessionToken: token },
      concurrency: 1,
    });
    const puts = proxy.requests.filter(
      (r) => r.method === 'PUT' && keyOf(r, 'session').startsWith('assets/'),
    );
    expect(puts).toHaveLength(6);
    expect(puts.slice(1).filter(viaSdk)).toEqual([]);
    for (const put of puts) {
      expect(put.headers['x-amz-security-token']).toBe(token);
      expect(String(put.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
      expect(put.status).toBe(200);
    }
    for (const file of manifest.files)
      expect(sha(await s3.body(`session/${file.path}`)), file.path).toBe(file.sha256);
  });

  it('a direct write that meets throttling, a damaged body, a silent server or a reset is retried, still directly', async () => {
    const { b, manifest } = await build(NAMES);
    const proxy = await startAwsProxy(
      s3.server.endpoint,
      s3.client,
      [
        once('zz-slow-', 'slowdown'),
        once('zz-flip-', 'flip'),
        once('zz-hang-', 'hang'),
        once('zz-reset-', 'reset'),
      ],
      { secretAccessKey: s3.server.secretAccessKey },
    );
    cleanups.push(proxy.close);
    await upload({
      dir: b.dir,
      to: 's3://skewless/faults',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      concurrency: 1,
      retryDelayMs: 1,
      requestTimeoutMs: 1500,
    });
    const putsOf = (name: string) =>
      proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r, 'faults').includes(name));
    // Only the first write of the upload went through the SDK (none of the faulted ones).
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r, 'faults').startsWith('assets/'));
    expect(puts.filter(viaSdk)).toEqual([puts[0]]);
    for (const [name, status] of [
      ['zz-slow-', 503],
      ['zz-flip-', 400],
    ] as const)
      expect(
        putsOf(name).map((r) => r.status),
        name,
      ).toEqual([status, 200]);
    // Cut by the request deadline, and by the reset (no answer to record), then sent again.
    for (const name of ['zz-hang-', 'zz-reset-']) {
      const sent = putsOf(name);
      expect(sent, name).toHaveLength(2);
      expect(sent[1]!.status, name).toBe(200);
    }
    expect(proxy.requests.filter((r) => r.status === 403)).toEqual([]);
    for (const file of manifest.files)
      expect(sha(await s3.body(`faults/${file.path}`)), file.path).toBe(file.sha256);
  });

  it('an unusual answer to a direct write (a skewed clock) has the SDK send it again at once, and every write after it', async () => {
    const { b, manifest } = await build(NAMES);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [once('zz-skew-', 'skewed-clock')], {
      secretAccessKey: s3.server.secretAccessKey,
    });
    cleanups.push(proxy.close);
    await upload({
      dir: b.dir,
      to: 's3://skewless/skew',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      concurrency: 1,
      retryDelayMs: 1,
    });
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && keyOf(r, 'skew').startsWith('assets/'));
    const refused = puts.findIndex((r) => r.fault === 'skewed-clock');
    // Skewed only once its write went directly, and the same write went again through the SDK.
    expect(refused).toBeGreaterThan(0);
    expect(puts.slice(1, refused + 1).filter(viaSdk)).toEqual([]);
    expect(keyOf(puts[refused + 1]!, 'skew')).toBe(keyOf(puts[refused]!, 'skew'));
    expect(puts.slice(refused + 1).every(viaSdk)).toBe(true);
    expect(puts.slice(refused + 1).every((r) => r.status === 200)).toBe(true);
    for (const file of manifest.files)
      expect(sha(await s3.body(`skew/${file.path}`)), file.path).toBe(file.sha256);
  });
});

const once = (name: string, fault: FaultRule['fault']): FaultRule => ({
  match: (r) => r.method === 'PUT' && decodeURIComponent(r.url).includes(name),
  fault,
  times: 1,
});
