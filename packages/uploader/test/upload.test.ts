import { readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { UploadOptions, UploadResult } from '@skewless/core';
import { describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload/upload.js';
import { type ProxyRecord, startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { describeRequest, startRecordingProxy, type startS3, useS3 } from './helpers/s3.js';

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});
let prefixCount = 0;

/** A fresh prefix per test, so tests share one server without seeing each other's objects. */
function freshTarget() {
  const prefix = `t${++prefixCount}`;
  return { prefix, to: `s3://skewless/${prefix}` };
}

async function build(files: Record<string, string> = VITE_LIKE, withManifest = true) {
  const b = await makeBuildDir(files);
  cleanups.push(b.remove);
  if (withManifest) await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
  return b;
}

function options(dir: string, to: string, extra: Partial<UploadOptions> = {}): UploadOptions {
  return {
    dir,
    to,
    endpoint: s3.server.endpoint,
    credentials: s3.credentials,
    retryDelayMs: 1,
    ...extra,
  };
}

async function proxy(intercept?: Parameters<typeof startRecordingProxy>[1]) {
  const p = await startRecordingProxy(s3.server.endpoint, intercept);
  cleanups.push(p.close);
  return p;
}

/**
 * The AWS-like proxy, with another writer winning the race for `key`: its object lands in the bucket
 * just before this client's first PUT of the key, which the proxy then answers 412 as S3 does.
 */
async function lostRaceTo(key: string, object: { Body: string; Metadata?: Record<string, string> }) {
  let raced = false;
  const p = await startAwsProxy(s3.server.endpoint, s3.client, [], {
    beforeRequest: async (req) => {
      if (raced || req.method !== 'PUT' || !req.url.startsWith(`/skewless/${key}`)) return;
      raced = true;
      await s3.client.send(new PutObjectCommand({ Bucket: 'skewless', Key: key, ...object }));
    },
  });
  cleanups.push(p.close);
  return p;
}

describe('upload to a real local S3 server (s3rver)', () => {
  it('cold upload: assets and documents with the right Content-Type, Cache-Control and metadata', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const result = await upload(options(b.dir, to, { html: true }));

    expect(result.uploaded).toBe(7);
    expect(result.skipped).toBe(0);
    expect(result.conflicts).toEqual([]);
    const keys = await s3.keys();
    expect(keys.filter((k) => k.startsWith(`${prefix}/`))).toEqual([
      `${prefix}/.skewless/current.json`,
      // The documents, copied with the release's record for a rollback without the build.
      `${prefix}/.skewless/documents/${result.release}/index.html`,
      `${prefix}/.skewless/documents/${result.release}/skewless.json`,
      `${prefix}/.skewless/releases/${result.release}.json`,
      `${prefix}/assets/index-0a1b2c3d.css`,
      `${prefix}/assets/index-1a2b3c4d.js`,
      `${prefix}/assets/lazy-9a8b7c6d.js`,
      `${prefix}/assets/logo-5e6f7a8b.svg`,
      `${prefix}/index.html`,
      `${prefix}/robots.txt`,
      `${prefix}/skewless.json`,
    ]);
    // The source map is private: not uploaded by default.
    expect(keys).not.toContain(`${prefix}/assets/index-1a2b3c4d.js.map`);

    const js = await s3.head(`${prefix}/assets/index-1a2b3c4d.js`);
    expect(js.ContentType).toBe('text/javascript; charset=utf-8');
    expect(js.CacheControl).toBe('public, max-age=31536000, immutable');
    expect(js.Metadata?.release).toBe(result.release);
    expect(js.Metadata?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const css = await s3.head(`${prefix}/assets/index-0a1b2c3d.css`);
    expect(css.ContentType).toBe('text/css; charset=utf-8');
    const svg = await s3.head(`${prefix}/assets/logo-5e6f7a8b.svg`);
    expect(svg.ContentType).toBe('image/svg+xml; charset=utf-8');
    const robots = await s3.head(`${prefix}/robots.txt`);
    expect(robots.CacheControl).toBe('public, max-age=300, stale-while-revalidate=86400');
    const html = await s3.head(`${prefix}/index.html`);
    expect(html.ContentType).toBe('text/html; charset=utf-8');
    expect(html.CacheControl).toBe('no-cache');
    expect((await s3.body(`${prefix}/assets/index-1a2b3c4d.js`)).toString()).toBe(
      VITE_LIKE['assets/index-1a2b3c4d.js'],
    );
    const stored = JSON.parse(
      (await s3.body(`${prefix}/.skewless/releases/${result.release}.json`)).toString(),
    );
    expect(stored).toMatchObject({ record: 1, release: result.release, state: 'live' });
    expect(stored.documents).toEqual(['index.html', 'skewless.json']);
    expect(stored.manifest.release).toBe(result.release);
    expect(JSON.parse((await s3.body(`${prefix}/.skewless/current.json`)).toString())).toEqual({
      release: result.release,
    });
  });

  it('a re-run of the same build sends zero PUTs (requests counted by a recording proxy)', async () => {
    const b = await build();
    const { to } = freshTarget();
    await upload(options(b.dir, to, { html: true }));
    const p = await proxy();
    const again = await upload(options(b.dir, to, { html: true, endpoint: p.endpoint }));

    expect(again.uploaded).toBe(0);
    expect(again.skipped).toBe(7);
    expect(p.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
    // One listing, to plan: nothing was written, so it is also the one the assets are verified on. The
    // release's record and the current pointer are read (GET, and one HEAD of the record), nothing else:
    // single-part ETags decide.
    expect(p.requests.filter((r) => r.url.includes('list-type=2'))).toHaveLength(1);
    expect(p.requests.map((r) => r.method).sort()).toEqual(['GET', 'GET', 'GET', 'HEAD']);
  });

  it('records the request sequence: pending record, listing, assets (If-None-Match on immutable), verify listing, publish lock, document copies, current pointer, records, a HEAD of each document, then HTML', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const p = await proxy();
    await upload(options(b.dir, to, { html: true, endpoint: p.endpoint, concurrency: 1 }));
    expect(p.requests.map((r) => describeRequest(r, prefix))).toMatchInlineSnapshot(`
      [
        "GET /skewless/[prefix]/.skewless/releases/[release].json",
        "GET /skewless/[prefix]/.skewless/current.json",
        "GET /skewless/[prefix]/skewless.json",
        "PUT /skewless/[prefix]/.skewless/releases/[release].json",
        "HEAD /skewless/[prefix]/.skewless/releases/[release].json",
        "HEAD /skewless/[prefix]/.skewless/prune-lease.json",
        "GET /skewless/ (list prefix=[prefix]/)",
        "PUT /skewless/[prefix]/assets/index-[hash].css If-None-Match: *",
        "PUT /skewless/[prefix]/assets/index-[hash].js If-None-Match: *",
        "PUT /skewless/[prefix]/assets/lazy-[hash].js If-None-Match: *",
        "PUT /skewless/[prefix]/assets/logo-[hash].svg If-None-Match: *",
        "PUT /skewless/[prefix]/robots.txt",
        "GET /skewless/ (list prefix=[prefix]/)",
        "PUT /skewless/[prefix]/.skewless/publish-lock.json If-None-Match: *",
        "PUT /skewless/[prefix]/.skewless/documents/[release]/index.html",
        "PUT /skewless/[prefix]/.skewless/documents/[release]/skewless.json",
        "GET /skewless/[prefix]/.skewless/current.json",
        "GET /skewless/[prefix]/skewless.json",
        "PUT /skewless/[prefix]/.skewless/current.json",
        "HEAD /skewless/[prefix]/.skewless/current.json",
        "PUT /skewless/[prefix]/.skewless/releases/[release].json",
        "HEAD /skewless/[prefix]/.skewless/releases/[release].json",
        "HEAD /skewless/[prefix]/index.html",
        "HEAD /skewless/[prefix]/skewless.json",
        "PUT /skewless/[prefix]/index.html",
        "PUT /skewless/[prefix]/skewless.json",
        "DELETE /skewless/[prefix]/.skewless/publish-lock.json",
      ]
    `);
  });

  it('under the publish lock a few documents are HEADed, many are listed: either way the documents are planned again on what the keys hold then', async () => {
    const pages: Record<string, string> = { ...VITE_LIKE };
    for (let i = 0; i < 20; i++) pages[`page-${i}/index.html`] = `<!doctype html><title>${i}</title>`;
    // Listings: the plan's (no asset changed, so it is also the verifying one), and with many documents
    // the one under the lock.
    for (const [files, listings] of [
      [VITE_LIKE, 1],
      [pages, 2],
    ] as const) {
      const { prefix, to } = freshTarget();
      await upload(options((await build(files)).dir, to, { html: true }));
      const html = '<!doctype html><title>v2</title>';
      const next = await build({ ...files, 'index.html': html });
      // Another writer puts the very bytes of this release's HTML there while this upload takes the lock.
      const p = await proxy(async (req) => {
        if (req.method === 'PUT' && req.url.includes('/.skewless/publish-lock.json'))
          await s3.client.send(
            new PutObjectCommand({ Bucket: 'skewless', Key: `${prefix}/index.html`, Body: html }),
          );
        return undefined;
      });
      const result = await upload(options(next.dir, to, { html: true, endpoint: p.endpoint }));
      expect(p.requests.filter((r) => r.url.includes('list-type=2'))).toHaveLength(listings);
      expect(result.files.find((f) => f.path === 'index.html')?.action).toBe('skip');
      // Planned 'upload' on the first listing; under the lock the key already holds these bytes.
      expect(
        p.requests.some(
          (r) => r.method === 'PUT' && r.url.split('?')[0] === `/skewless/${prefix}/index.html`,
        ),
      ).toBe(false);
      expect((await s3.body(`${prefix}/index.html`)).toString()).toBe(html);
    }
  });

  it('refuses other bytes under an existing hashed name and writes nothing, not even the assets', async () => {
    const first = await build();
    const { prefix, to } = freshTarget();
    await upload(options(first.dir, to));
    const before = await s3.keys();

    const changed = await build({
      ...VITE_LIKE,
      'assets/index-1a2b3c4d.js': 'console.log("other bytes, same name")\n',
      'assets/new-4d3c2b1a.js': 'export {}\n',
    });
    const p = await proxy();
    await expect(
      upload(options(changed.dir, to, { html: true, endpoint: p.endpoint })),
    ).rejects.toMatchObject({
      code: 'IMMUTABLE_CONFLICT',
      message: expect.stringContaining(`${prefix}/assets/index-1a2b3c4d.js`),
    });
    // The one write was the release's pending record, taken back once the conflict was found.
    const writes = p.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(writes.map((r) => `${r.method} ${decodeURIComponent(r.url.split('?')[0]!)}`)).toEqual([
      expect.stringMatching(new RegExp(`^PUT /skewless/${prefix}/\\.skewless/releases/[0-9a-f]{16}\\.json$`)),
      expect.stringMatching(
        new RegExp(`^DELETE /skewless/${prefix}/\\.skewless/releases/[0-9a-f]{16}\\.json$`),
      ),
    ]);
    expect(await s3.keys()).toEqual(before);
    expect((await s3.body(`${prefix}/assets/index-1a2b3c4d.js`)).toString()).toBe(
      VITE_LIKE['assets/index-1a2b3c4d.js'],
    );
  });

  it('refuses a file whose bytes changed after the manifest was made, even at the same size', async () => {
    const b = await build();
    await b.write('assets/lazy-9a8b7c6d.js', 'export const lazy = 2;\n');
    const { prefix, to } = freshTarget();
    await expect(upload(options(b.dir, to, { html: true }))).rejects.toMatchObject({
      code: 'INVALID_MANIFEST',
      message: expect.stringContaining('assets/lazy-9a8b7c6d.js'),
    });
    const keys = await s3.keys();
    // Stored, those bytes would carry the manifest's sha256 as their metadata: a later upload of the
    // right build would call them the same bytes and never repair the name.
    expect(keys).not.toContain(`${prefix}/assets/lazy-9a8b7c6d.js`);
    expect(keys).not.toContain(`${prefix}/index.html`);
  });

  it('a file the manifest lists but the directory lost is a clear stale-manifest error, also when the target has it', async () => {
    const b = await build();
    const { to } = freshTarget();
    await upload(options(b.dir, to));
    await rm(join(b.dir, 'assets/lazy-9a8b7c6d.js'));
    await expect(upload(options(b.dir, to))).rejects.toMatchObject({
      code: 'INVALID_MANIFEST',
      message: expect.stringMatching(/do not match the manifest: assets\/lazy-9a8b7c6d\.js \(missing\)/),
    });
  });

  it('--force overwrites a conflicting immutable key', async () => {
    const first = await build();
    const { prefix, to } = freshTarget();
    await upload(options(first.dir, to));
    const changed = await build({ ...VITE_LIKE, 'assets/index-1a2b3c4d.js': 'repaired\n' });
    const result = await upload(options(changed.dir, to, { force: true }));
    expect(result.files.find((f) => f.path === 'assets/index-1a2b3c4d.js')?.action).toBe('upload');
    expect((await s3.body(`${prefix}/assets/index-1a2b3c4d.js`)).toString()).toBe('repaired\n');
  });

  it('extra headers reach every object; no ACL is sent unless asked for', async () => {
    const b = await build({ 'assets/a-1a2b3c4d.js': 'a\n' });
    const { prefix, to } = freshTarget();
    const p = await proxy();
    await upload(
      options(b.dir, to, {
        endpoint: p.endpoint,
        headers: { 'Content-Language': 'en', 'Content-Disposition': 'inline' },
      }),
    );
    const head = await s3.head(`${prefix}/assets/a-1a2b3c4d.js`);
    expect(head.ContentLanguage).toBe('en');
    expect(head.ContentDisposition).toBe('inline');
    const put = p.requests.find((r) => r.method === 'PUT' && r.url.includes('/a-1a2b3c4d.js'));
    expect(put?.headers['x-amz-acl']).toBeUndefined();

    const q = await proxy();
    const again = freshTarget();
    await upload(options(b.dir, again.to, { endpoint: q.endpoint, acl: 'public-read' }));
    expect(
      q.requests.find((r) => r.method === 'PUT' && r.url.includes('/a-1a2b3c4d.js'))?.headers['x-amz-acl'],
    ).toBe('public-read');
  });

  it('a changed public (revalidate) file is simply replaced', async () => {
    const first = await build();
    const { prefix, to } = freshTarget();
    await upload(options(first.dir, to));
    const changed = await build({ ...VITE_LIKE, 'robots.txt': 'User-agent: *\nDisallow: /x\n' });
    const result = await upload(options(changed.dir, to));
    expect(result.uploaded).toBe(1);
    expect((await s3.body(`${prefix}/robots.txt`)).toString()).toContain('Disallow');
  });

  it('container flow: a directory without a manifest is classed by name', async () => {
    const b = await build(VITE_LIKE, false);
    const { prefix, to } = freshTarget();
    const result = await upload(options(b.dir, to));
    const classes = Object.fromEntries(result.files.map((f) => [f.path, `${f.class}:${f.action}`]));
    expect(classes).toEqual({
      'assets/index-0a1b2c3d.css': 'immutable:upload',
      'assets/index-1a2b3c4d.js': 'immutable:upload',
      'assets/index-1a2b3c4d.js.map': 'private:omit',
      'assets/lazy-9a8b7c6d.js': 'immutable:upload',
      'assets/logo-5e6f7a8b.svg': 'immutable:upload',
      'index.html': 'document:omit',
      'robots.txt': 'revalidate:upload',
    });
    expect(await s3.keys()).not.toContain(`${prefix}/index.html`);
    expect((await s3.head(`${prefix}/assets/lazy-9a8b7c6d.js`)).CacheControl).toContain('immutable');
  });

  it('--dry-run lists and plans but writes nothing', async () => {
    const b = await build();
    const { to } = freshTarget();
    const before = await s3.keys();
    const p = await proxy();
    const result = await upload(options(b.dir, to, { html: true, dryRun: true, endpoint: p.endpoint }));
    expect(result.dryRun).toBe(true);
    expect(result.uploaded).toBe(7);
    expect(p.requests.map((r) => r.method)).toEqual(['GET']);
    expect(await s3.keys()).toEqual(before);
  });

  it('fails with a clear error when the bucket does not exist, and when the endpoint is unreachable', async () => {
    const b = await build();
    await expect(upload(options(b.dir, 's3://no-such-bucket/x'))).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringMatching(/^\[skewless\] the bucket of s3:\/\/no-such-bucket\/x does not exist/),
    });
    await expect(
      upload(options(b.dir, 's3://skewless/x', { endpoint: 'http://127.0.0.1:9', attempts: 2 })),
    ).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringContaining('cannot reach s3://skewless/x at http://127.0.0.1:9'),
    });
  });

  it("leaves the caller's credentials object as it was (the SDK adds $source to the one it gets)", async () => {
    const b = await build({ 'assets/a-1a2b3c4d.js': 'a\n' });
    const given = () => ({ accessKeyId: s3.server.accessKeyId, secretAccessKey: s3.server.secretAccessKey });
    const credentials = given();
    await upload(options(b.dir, freshTarget().to, { credentials }));
    expect(credentials).toStrictEqual(given());
  });

  it('never prints a password embedded in the endpoint URL', async () => {
    const b = await build();
    const error = await upload(
      options(b.dir, 's3://skewless/x', { endpoint: 'http://minio:hunter2-secret@127.0.0.1:9', attempts: 1 }),
    ).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'UNREACHABLE' });
    expect((error as Error).message).toContain('127.0.0.1:9');
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('412 (the AWS-like proxy; s3rver ignores If-None-Match): the same bytes written first by another upload (its sha256 metadata) are accepted', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/lazy-9a8b7c6d.js`;
    const bytes = VITE_LIKE['assets/lazy-9a8b7c6d.js']!;
    const { createHash } = await import('node:crypto');
    const p = await lostRaceTo(key, {
      Body: bytes,
      Metadata: { sha256: createHash('sha256').update(bytes).digest('hex') },
    });
    const result = await upload(options(b.dir, to, { endpoint: p.endpoint }));
    const entry = result.files.find((f) => f.path === 'assets/lazy-9a8b7c6d.js');
    expect(entry?.action).toBe('skip');
    expect(entry?.reason).toBe('written concurrently with the same bytes');
    const puts = p.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`));
    expect(puts.map((r) => [r.headers['if-none-match'], r.status])).toEqual([['*', 412]]);
    expect((await s3.body(key)).toString()).toBe(bytes);
  });

  it('412 (the AWS-like proxy; s3rver ignores If-None-Match): other bytes written first stop the upload before HTML', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/lazy-9a8b7c6d.js`;
    const p = await lostRaceTo(key, { Body: 'someone else', Metadata: { sha256: 'f'.repeat(64) } });
    await expect(upload(options(b.dir, to, { html: true, endpoint: p.endpoint }))).rejects.toMatchObject({
      code: 'IMMUTABLE_CONFLICT',
      message: expect.stringContaining(key),
    });
    expect(await s3.keys()).not.toContain(`${prefix}/index.html`);
  });

  it('412: the same bytes written first by another tool (no sha256 metadata) are accepted by their MD5 ETag and size', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/lazy-9a8b7c6d.js`;
    // e.g. `aws s3 cp`: the same bytes, a single-part MD5 ETag, no Skewless metadata.
    const p = await lostRaceTo(key, { Body: VITE_LIKE['assets/lazy-9a8b7c6d.js']! });
    const result = await upload(options(b.dir, to, { html: true, endpoint: p.endpoint }));
    const entry = result.files.find((f) => f.path === 'assets/lazy-9a8b7c6d.js');
    expect(entry).toMatchObject({ action: 'skip', reason: 'written concurrently with the same bytes' });
    expect((await s3.head(key)).Metadata?.sha256).toBeUndefined();
    expect(await s3.keys()).toContain(`${prefix}/index.html`);
  });

  it('412: other bytes of the same size written by another tool (no sha256 metadata) stop the upload', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/lazy-9a8b7c6d.js`;
    const p = await lostRaceTo(key, { Body: VITE_LIKE['assets/lazy-9a8b7c6d.js']!.replace('1', '2') });
    await expect(upload(options(b.dir, to, { html: true, endpoint: p.endpoint }))).rejects.toMatchObject({
      code: 'IMMUTABLE_CONFLICT',
      message: expect.stringContaining(key),
    });
    expect(await s3.keys()).not.toContain(`${prefix}/index.html`);
  });

  /**
   * Another writer's conditional PUT of `key` (through the AWS-like proxy) is held there while this
   * client's first PUT of the key arrives, which S3 refuses with 409 ConditionalRequestConflict; then the
   * other write goes on, and this client's retry is held until it was answered (so the retry meets the
   * finished write, 412, whatever the backoff).
   */
  async function conflictWith(key: string, body: string) {
    const other = (r: ProxyRecord) => r.headers['x-amz-meta-writer'] === 'other';
    const ours = (r: ProxyRecord) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`) && !other(r);
    let arrived!: () => void;
    let refused!: () => void;
    let answered!: () => void;
    const otherArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const ourRefusal = new Promise<void>((resolve) => {
      refused = resolve;
    });
    const otherAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    let conflicted = false;
    const p = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      beforeRequest: async (r) => {
        if (other(r)) {
          arrived();
          await ourRefusal;
        } else if (ours(r) && conflicted) await otherAnswered;
      },
      afterResponse: (r) => {
        if (ours(r) && r.status === 409) {
          conflicted = true;
          refused();
        }
        if (other(r)) answered();
      },
    });
    cleanups.push(p.close);
    const client = new S3Client({
      endpoint: p.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    cleanups.push(async () => client.destroy());
    const otherWrite = client.send(
      new PutObjectCommand({
        Bucket: 'skewless',
        Key: key,
        Body: body,
        IfNoneMatch: '*',
        Metadata: { writer: 'other' },
      }),
    );
    await otherArrived;
    return {
      proxy: p,
      otherWrite,
      ours: () => p.requests.filter(ours),
      other: () => p.requests.filter(other),
    };
  }

  it("409 ConditionalRequestConflict (the AWS-like proxy): a write overlapping another writer's with the same bytes is retried after it, accepted, and the upload completes", async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/lazy-9a8b7c6d.js`;
    const race = await conflictWith(key, VITE_LIKE['assets/lazy-9a8b7c6d.js']!);
    const result = await upload(options(b.dir, to, { html: true, endpoint: race.proxy.endpoint }));
    await race.otherWrite;
    expect(race.ours().map((r) => r.status)).toEqual([409, 412]);
    expect(race.other().map((r) => r.status)).toEqual([200]);
    // The refused attempt wrote nothing: the other writer's object is the one there, not an upload of ours.
    expect(result.files.find((f) => f.key === key)).toMatchObject({
      action: 'skip',
      reason: 'written concurrently with the same bytes',
    });
    const { createHash } = await import('node:crypto');
    const sha = (x: Buffer | string) => createHash('sha256').update(x).digest('hex');
    for (const path of Object.keys(VITE_LIKE).filter((f) => !f.endsWith('.map')))
      expect(sha(await s3.body(`${prefix}/${path}`)), path).toBe(sha(VITE_LIKE[path]!));
  });

  it('409 ConditionalRequestConflict: when the overlapping writer stored other bytes, the upload stops naming the key, before any document', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/lazy-9a8b7c6d.js`;
    const race = await conflictWith(key, 'export const lazy = 2;\n');
    await expect(
      upload(options(b.dir, to, { html: true, endpoint: race.proxy.endpoint })),
    ).rejects.toMatchObject({
      code: 'IMMUTABLE_CONFLICT',
      message: expect.stringContaining(`${key} was written by someone else`),
    });
    await race.otherWrite;
    expect(race.ours().map((r) => r.status)).toEqual([409, 412]);
    expect((await s3.body(key)).toString()).toBe('export const lazy = 2;\n');
    expect(await s3.keys()).not.toContain(`${prefix}/index.html`);
  });

  /**
   * Another writer's multipart upload of the same bytes (in `partSize` parts) completes while ours does:
   * its Complete is held until ours was refused with 409, ours next waits until the other's was answered.
   */
  async function multipartRace(partSize: number) {
    const { randomBytes, createHash } = await import('node:crypto');
    const big = randomBytes(9 * 1024 * 1024);
    const b = await makeBuildDir({ 'index.html': '<!doctype html>', 'assets/big-0e0e0e0e.bin': big });
    cleanups.push(b.remove);
    const { prefix, to } = freshTarget();
    const key = `${prefix}/assets/big-0e0e0e0e.bin`;
    const completes = (r: ProxyRecord) =>
      r.method === 'POST' && r.url.startsWith(`/skewless/${key}?uploadId=`);
    let first: ProxyRecord | undefined;
    let arrived!: () => void;
    let refused!: () => void;
    let answered!: () => void;
    const otherArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const ourRefusal = new Promise<void>((resolve) => {
      refused = resolve;
    });
    const otherAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    let conflicted = false;
    const p = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      beforeRequest: async (r) => {
        if (!completes(r)) return;
        if (!first) {
          first = r;
          arrived();
          await ourRefusal;
        } else if (conflicted) await otherAnswered;
      },
      afterResponse: (r) => {
        if (!completes(r)) return;
        if (r === first) answered();
        else if (r.status === 409) {
          conflicted = true;
          refused();
        }
      },
    });
    cleanups.push(p.close);
    const client = new S3Client({
      endpoint: p.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    cleanups.push(async () => client.destroy());
    const { Upload } = await import('@aws-sdk/lib-storage');
    const otherWrite = new Upload({
      client,
      params: { Bucket: 'skewless', Key: key, Body: big, IfNoneMatch: '*' },
      partSize,
    }).done();
    await otherArrived;
    const outcome = await upload(
      options(b.dir, to, { html: true, endpoint: p.endpoint, multipartThreshold: 8 * 1024 * 1024 }),
    ).catch((e: Error) => e);
    await otherWrite;
    expect(p.requests.filter((r) => completes(r) && r !== first).map((r) => r.status)).toEqual([409, 412]);
    expect(first?.status).toBe(200);
    const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
    expect(sha(await s3.body(key))).toBe(sha(big));
    return { outcome, key, prefix };
  }

  it('409 ConditionalRequestConflict on CompleteMultipartUpload: the file is sent again after the other writer completed, and its same bytes (our part size) are accepted', async () => {
    const { outcome, key, prefix } = await multipartRace(8 * 1024 * 1024);
    expect(outcome).not.toBeInstanceOf(Error);
    expect((outcome as UploadResult).files.find((f) => f.key === key)).toMatchObject({ action: 'skip' });
    expect(await s3.keys()).toContain(`${prefix}/index.html`);
  });

  it('409 then 412 on CompleteMultipartUpload, the other writer in another part size: refused as unproven (never trusted), saying so, before any document', async () => {
    const { outcome, key, prefix } = await multipartRace(5 * 1024 * 1024);
    expect(outcome).toMatchObject({
      code: 'IMMUTABLE_CONFLICT',
      message: expect.stringContaining(
        `${key} was written by someone else during this upload, and what the server reports of it (a multipart ETag of another part size, no sha256 metadata) cannot show whether it holds this file's bytes.`,
      ),
    });
    expect(await s3.keys()).not.toContain(`${prefix}/index.html`);
  });

  it('a document that fails while another of its wave went out: the message names what this release replaced and what still holds the previous one', async () => {
    const { prefix, to } = freshTarget();
    const site = (label: string) => ({
      ...VITE_LIKE,
      'index.html': `<!-- ${label} -->${VITE_LIKE['index.html']}`,
      'about.html': `<!-- ${label} --><p>about</p>`,
    });
    const v1 = await build(site('v1'));
    await upload(options(v1.dir, to, { html: true }));
    const v2 = await build(site('v2'));
    const index = `/skewless/${prefix}/index.html`;
    const p = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'PUT' && r.url.split('?')[0] === index, fault: 'internal' },
    ]);
    cleanups.push(p.close);
    const error = await upload(
      options(v2.dir, to, { html: true, endpoint: p.endpoint, attempts: 2, concurrency: 4 }),
    ).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      `writing ${prefix}/index.html in ${to} at ${p.endpoint} failed: the server answered 500 InternalError`,
    );
    expect((error as Error).message).toContain(
      `Already replaced by this release: ${prefix}/about.html. Not yet replaced (the previous release's, if there was one): ${prefix}/index.html, ${prefix}/skewless.json. Run the upload again to publish the rest.`,
    );
    expect((error as Error).message).not.toContain('No document was published');
    // What the message says is what the bucket holds.
    expect((await s3.body(`${prefix}/about.html`)).toString()).toContain('<!-- v2 -->');
    expect((await s3.body(`${prefix}/index.html`)).toString()).toContain('<!-- v1 -->');
    const v1Release = JSON.parse(await readFile(join(v1.dir, 'skewless.json'), 'utf8')).release;
    expect(JSON.parse((await s3.body(`${prefix}/skewless.json`)).toString()).release).toBe(v1Release);
  });

  it('501 (the AWS-like proxy answering conditional writes as Backblaze B2 does): falls back to plain PUTs and warns once', async () => {
    const b = await build({ 'assets/a-1a2b3c4d.js': 'a\n', 'assets/b-2b3c4d5e.js': 'b\n' });
    const { prefix, to } = freshTarget();
    const p = await startAwsProxy(s3.server.endpoint, s3.client, [], { noConditionalWrites: true });
    cleanups.push(p.close);
    const warnings: string[] = [];
    const logger = { info() {}, debug() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const result = await upload(options(b.dir, to, { endpoint: p.endpoint, concurrency: 1, logger }));
    expect(result.uploaded).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('does not support conditional writes');
    expect((await s3.body(`${prefix}/assets/a-1a2b3c4d.js`)).toString()).toBe('a\n');
    expect((await s3.body(`${prefix}/assets/b-2b3c4d5e.js`)).toString()).toBe('b\n');
    // Only the first PUT tried the header, and the server refused it.
    const conditional = p.requests.filter((r) => r.method === 'PUT' && r.headers['if-none-match']);
    expect(conditional.map((r) => r.status)).toEqual([501]);
  });

  it('mocked SSE-KMS listing (32-hex ETags that are no MD5): verify settles them by the stored sha256', async () => {
    const b = await build();
    const { prefix, to } = freshTarget();
    const p = await kmsProxy();
    const result = await upload(options(b.dir, to, { html: true, endpoint: p.endpoint }));
    expect(result.uploaded).toBe(7);
    expect(p.requests.some((r) => r.method === 'HEAD')).toBe(true);
    expect(await s3.keys()).toContain(`${prefix}/index.html`);
  });

  it('mocked SSE-KMS listing: a re-run sends zero PUTs, public files and documents included', async () => {
    const b = await build();
    const { to } = freshTarget();
    await upload(options(b.dir, to, { html: true }));
    const p = await kmsProxy();
    const again = await upload(options(b.dir, to, { html: true, endpoint: p.endpoint }));
    expect(again.skipped).toBe(7);
    expect(p.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('503 SlowDown storm (the AWS-like proxy): retried with backoff until it passes', async () => {
    const b = await build({ 'assets/a-1a2b3c4d.js': 'a\n' });
    const { prefix, to } = freshTarget();
    const p = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'PUT' && r.url.includes('/assets/'), fault: 'slowdown', times: 2 },
    ]);
    cleanups.push(p.close);
    const result = await upload(options(b.dir, to, { endpoint: p.endpoint }));
    expect(result.uploaded).toBe(1);
    const puts = p.requests.filter((r) => r.method === 'PUT' && r.url.includes('/a-1a2b3c4d.js'));
    expect(puts.map((r) => r.status)).toEqual([503, 503, 200]);
    expect((await s3.body(`${prefix}/assets/a-1a2b3c4d.js`)).toString()).toBe('a\n');
  });
});

/** A recording proxy whose listings carry SSE-KMS-like ETags: 32 hex characters that are not the MD5. */
function kmsProxy() {
  const upstream = new URL(s3.server.endpoint);
  return proxy(async (req) => {
    if (req.method !== 'GET' || !req.url.includes('list-type=2')) return undefined;
    // Forward with the signed headers, then swap every ETag.
    const xml = await new Promise<string>((resolve, reject) => {
      const up = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, headers: req.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        },
      );
      up.on('error', reject);
      up.end();
    });
    const body = xml.replace(
      /<ETag>(&quot;|")[0-9a-f]{32}(&quot;|")<\/ETag>/g,
      `<ETag>"${'e'.repeat(32)}"</ETag>`,
    );
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  });
}
