import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { prune } from '../src/releases/prune.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { cloudFrontCreated, startMockedApi } from './helpers/cdn-api.js';
import { startRecordingProxy, startS3 } from './helpers/s3.js';

let s3: Awaited<ReturnType<typeof startS3>>;
const removals: (() => Promise<void>)[] = [];
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  for (const r of removals) await r();
  await s3?.close();
});

/** A release whose entry chunk is `entry-<hash>.js`; the CSS and robots.txt are shared by all releases. */
async function release(hash: string) {
  const b = await makeBuildDir({
    'index.html': `<script type="module" src="/assets/entry-${hash}.js"></script><link rel="stylesheet" href="/assets/style-0a1b2c3d.css">`,
    [`assets/entry-${hash}.js`]: `console.log("${hash}")\n`,
    'assets/style-0a1b2c3d.css': 'body{}\n',
    'robots.txt': 'User-agent: *\n',
  });
  removals.push(b.remove);
  const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
  await writeManifest(b.dir, manifest);
  return { dir: b.dir, id: manifest.release };
}

function publish(dir: string, to: string) {
  return upload({ dir, to, html: true, endpoint: s3.server.endpoint, credentials: s3.credentials });
}

/** Prune by count alone: a release replaced a moment ago may go (minAgeMs 0). */
function pruneAt(to: string, keep: number, dryRun = false) {
  return prune({ to, keep, minAgeMs: 0, dryRun, endpoint: s3.server.endpoint, credentials: s3.credentials });
}

const under = async (prefix: string) =>
  (await s3.keys()).filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1));

describe('prune (real s3rver)', () => {
  it('a prefix with no releases: nothing kept, dropped or deleted, and a foreign object there stays', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.client.send(
      new PutObjectCommand({ Bucket: 'skewless', Key: 'norel/other-tool.txt', Body: 'x' }),
    );
    const result = await pruneAt('s3://skewless/norel', 1);
    expect(result).toMatchObject({ kept: [], dropped: [], deleted: [] });
    expect(await under('norel')).toEqual(['other-tool.txt']);
  });

  it('orders releases by the server clock: a writer whose clock ran ahead does not keep its old release', async () => {
    const to = 's3://skewless/clock';
    const a = await release('4d4d4d4d');
    const b = await release('5e5e5e5e');
    await publish(a.dir, to);
    // Release a's record as a writer with a clock one day ahead stores it.
    const key = `clock/.skewless/releases/${a.id}.json`;
    const got = await s3.client.send(new GetObjectCommand({ Bucket: 'skewless', Key: key }));
    const record = JSON.parse(await got.Body!.transformToString());
    record.clock += 86_400_000;
    await s3.client.send(
      new PutObjectCommand({
        Bucket: 'skewless',
        Key: key,
        Body: JSON.stringify(record),
        ContentType: 'application/json',
        Metadata: { uploaded: String(record.clock) },
      }),
    );
    // LastModified counts seconds: b must be stored in a later one (setup, not a timed assertion).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await publish(b.dir, to);
    const dry = await pruneAt(to, 1, true);
    expect(dry).toMatchObject({ kept: [b.id], dropped: [a.id] });
  });

  it('deletes only what the dropped releases alone referenced, never foreign objects; dry run first', async () => {
    const to = 's3://skewless/pr';
    const a = await release('1a1a1a1a');
    const b = await release('2b2b2b2b');
    const c = await release('3c3c3c3c');
    for (const r of [a, b, c]) await publish(r.dir, to);
    await s3.client.send(
      new PutObjectCommand({ Bucket: 'skewless', Key: 'pr/assets/other-tool.js', Body: 'x' }),
    );

    const before = await under('pr');
    const dry = await pruneAt(to, 2, true);
    expect(dry).toMatchObject({ kept: [c.id, b.id], dropped: [a.id] });
    expect(dry.deleted).toEqual([
      'pr/assets/entry-1a1a1a1a.js',
      `pr/.skewless/documents/${a.id}/index.html`,
      `pr/.skewless/documents/${a.id}/skewless.json`,
      `pr/.skewless/releases/${a.id}.json`,
    ]);
    expect(await under('pr')).toEqual(before);

    const done = await pruneAt(to, 2);
    expect(done.deleted).toEqual(dry.deleted);
    expect(await under('pr')).toEqual(
      [
        '.skewless/current.json',
        `.skewless/releases/${b.id}.json`,
        `.skewless/documents/${b.id}/index.html`,
        `.skewless/documents/${b.id}/skewless.json`,
        `.skewless/releases/${c.id}.json`,
        `.skewless/documents/${c.id}/index.html`,
        `.skewless/documents/${c.id}/skewless.json`,
        'assets/entry-2b2b2b2b.js',
        'assets/entry-3c3c3c3c.js',
        'assets/other-tool.js',
        'assets/style-0a1b2c3d.css',
        'index.html',
        'robots.txt',
        'skewless.json',
      ].sort(),
    );
    expect((await pruneAt(to, 2)).deleted).toEqual([]);
  });

  it('refuses to prune when the live release has no stored record, and deletes nothing', async () => {
    const to = 's3://skewless/nolive';
    const a = await release('7a7a7a7a');
    const b = await release('8b8b8b8b');
    const c = await release('9c9c9c9c');
    for (const r of [a, b, c]) await publish(r.dir, to);
    // The live release C lost its record (an upload from before records were stored, or a manual
    // skewless.json): prune cannot know which files it needs, so it must not guess.
    await s3.client.send(
      new DeleteObjectCommand({ Bucket: 'skewless', Key: `nolive/.skewless/releases/${c.id}.json` }),
    );
    const before = await under('nolive');
    await expect(pruneAt(to, 1)).rejects.toMatchObject({
      code: 'INVALID_MANIFEST',
      message: expect.stringContaining(c.id),
    });
    expect(await under('nolive')).toEqual(before);
  });

  it('an assets-only re-upload of an older release (container rollback) makes it the newest again', async () => {
    const to = 's3://skewless/containers';
    const a = await release('0d0d0d0d');
    const b = await release('1e1e1e1e');
    const c = await release('2f2f2f2f');
    const assetsOnly = (dir: string) =>
      upload({ dir, to, endpoint: s3.server.endpoint, credentials: s3.credentials });
    for (const r of [a, b, c]) await assetsOnly(r.dir);
    await assetsOnly(a.dir); // the containers roll back to A; no skewless.json names it

    const result = await pruneAt(to, 2);
    expect(result.kept).toEqual([a.id, c.id]);
    expect(result.dropped).toEqual([b.id]);
    expect(await under('containers')).toContain('assets/entry-0d0d0d0d.js');
  });

  it('keeps the live release (skewless.json) after a rollback, however old its manifest', async () => {
    const to = 's3://skewless/rollback';
    const a = await release('4d4d4d4d');
    const b = await release('5e5e5e5e');
    const c = await release('6f6f6f6f');
    for (const r of [a, b, c]) await publish(r.dir, to);
    // Roll back by switching the release file alone (no skewless rollback): A is live while its record
    // is the oldest and the current pointer still names C. Both are kept.
    await s3.client.send(
      new PutObjectCommand({
        Bucket: 'skewless',
        Key: 'rollback/skewless.json',
        Body: JSON.stringify({ release: a.id }),
      }),
    );

    const result = await pruneAt(to, 1);
    expect(result.kept.sort()).toEqual([c.id, a.id].sort());
    expect(result.dropped).toEqual([b.id]);
    const left = await under('rollback');
    expect(left).toContain('assets/entry-4d4d4d4d.js');
    expect(left).toContain('assets/entry-6f6f6f6f.js');
    expect(left).not.toContain('assets/entry-5e5e5e5e.js');
  });

  it('two apps in one bucket: pruning s3://…/app never touches app-b, whose keys start with the same letters', async () => {
    for (const [prefix, hashes] of [
      ['app', ['0a0a0a0a', '0b0b0b0b', '0c0c0c0c']],
      ['app-b', ['1a1a1a1a', '1b1b1b1b', '1c1c1c1c']],
    ] as const)
      for (const h of hashes) await publish((await release(h)).dir, `s3://skewless/${prefix}`);
    const other = await under('app-b');
    const result = await pruneAt('s3://skewless/app', 1);
    expect(result.dropped).toHaveLength(2);
    expect(result.deleted.every((k) => k.startsWith('app/'))).toBe(true);
    expect(await under('app-b')).toEqual(other);
    expect(await under('app')).not.toContain('assets/entry-0a0a0a0a.js');
  });

  it('a release beyond --keep stays until it was retired for --min-age; both rules must allow a drop', async () => {
    const to = 's3://skewless/minage';
    const a = await release('3a3a3a3a');
    const b = await release('3b3b3b3b');
    for (const r of [a, b]) await publish(r.dir, to);
    const base = { to, keep: 1, endpoint: s3.server.endpoint, credentials: s3.credentials };
    // A was replaced a moment ago: an hour's minimum age keeps it, and the reason says so.
    const young = await prune({ ...base, minAgeMs: 3_600_000 });
    expect(young.dropped).toEqual([]);
    expect(young.decisions.find((d) => d.release === a.id)?.reason).toMatch(
      /^retired \d+s ago, less than the minimum age 1h$/,
    );
    // Default: 7 days.
    expect((await prune(base)).dropped).toEqual([]);
    // keep 2 holds it whatever its age.
    expect((await prune({ ...base, keep: 2, minAgeMs: 0 })).dropped).toEqual([]);
    expect((await prune({ ...base, minAgeMs: 0 })).dropped).toEqual([a.id]);
  });

  it('records carry the label (--label, else the CI commit variable) and the times of each state', async () => {
    const to = 's3://skewless/labels';
    const a = await release('4a4a4a4a');
    const b = await release('4b4b4b4b');
    const previous = process.env.GITHUB_SHA;
    process.env.GITHUB_SHA = 'abc123def';
    try {
      await publish(a.dir, to);
    } finally {
      if (previous === undefined) delete process.env.GITHUB_SHA;
      else process.env.GITHUB_SHA = previous;
    }
    await upload({
      dir: b.dir,
      to,
      html: true,
      label: 'v2.0.0',
      endpoint: s3.server.endpoint,
      credentials: s3.credentials,
    });
    const record = async (id: string) =>
      JSON.parse((await s3.body(`labels/.skewless/releases/${id}.json`)).toString());
    const ra = await record(a.id);
    const rb = await record(b.id);
    expect(ra).toMatchObject({ label: 'abc123def', state: 'retired' });
    expect(rb).toMatchObject({ label: 'v2.0.0', state: 'live' });
    expect(ra.uploaded).toBeLessThanOrEqual(ra.live);
    expect(ra.live).toBeLessThanOrEqual(ra.retired);
    expect(ra.retired).toBe(rb.live);
  });
});

describe('prune deletes in DeleteObjects batches (real s3rver, requests recorded)', () => {
  it('1,000 keys a request, each request with its integrity checksum, each key on the ETag listed', async () => {
    const to = 's3://skewless/batch';
    const chunks: Record<string, string> = {};
    for (let i = 0; i < 1001; i++) chunks[`assets/c${i}-5a5a5a5a.js`] = `export default ${i}\n`;
    const b = await makeBuildDir({
      'index.html': '<script type="module" src="/assets/entry-5a5a5a5a.js"></script>',
      'assets/entry-5a5a5a5a.js': 'console.log(1)\n',
      ...chunks,
    });
    removals.push(b.remove);
    const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
    await writeManifest(b.dir, manifest);
    await publish(b.dir, to);
    await publish((await release('5b5b5b5b')).dir, to);
    const listed = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await s3.client.send(
        new ListObjectsV2Command({ Bucket: 'skewless', Prefix: 'batch/', ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) listed.set(o.Key as string, o.ETag as string);
      token = page.NextContinuationToken;
    } while (token);

    const deletes: {
      status: number;
      headers: Record<string, unknown>;
      keys: string[];
      etags: (string | undefined)[];
    }[] = [];
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req, body, forward) => {
      if (req.method === 'POST' && new URL(req.url, 'http://x').searchParams.has('delete')) {
        const a = (await forward()) as unknown as {
          status: number;
          headers: Record<string, string>;
          body: Buffer;
        };
        const objects = [...body.toString().matchAll(/<Object>(.*?)<\/Object>/gs)].map((m) => m[1] as string);
        deletes.push({
          status: a.status,
          headers: req.headers,
          keys: objects.map((o) => /<Key>(.*?)<\/Key>/s.exec(o)?.[1] as string),
          etags: objects.map((o) => /<ETag>(.*?)<\/ETag>/s.exec(o)?.[1]?.replaceAll('&quot;', '"')),
        });
        return { status: a.status, headers: a.headers, body: a.body.toString() };
      }
      return undefined;
    });
    removals.push(proxy.close);
    const result = await prune({
      to,
      keep: 1,
      minAgeMs: 0,
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
    });
    const assets = result.deleted.filter((k) => !k.includes('/.skewless/'));
    expect(assets).toHaveLength(1002);
    // s3rver deletes a batch's keys at once and then removes emptied folders of its store, so two keys
    // of one folder (the records here) can race and answer 500 InternalError (readdir of a folder the
    // other just removed). The retry sends the same request again; counted are the ones answered 200.
    const done = deletes.filter((d) => d.status === 200);
    expect(deletes.filter((d) => d.status !== 200).map((d) => d.status)).toEqual(
      Array(deletes.length - done.length).fill(500),
    );
    // The assets first, 1,000 a request, then the records in a request of their own.
    expect(done.map((d) => d.keys.length)).toEqual([1000, 2, result.deleted.length - 1002]);
    expect(done.flatMap((d) => d.keys).sort()).toEqual([...result.deleted].sort());
    for (const d of deletes) {
      // DeleteObjects needs Content-MD5 or a flexible checksum: S3 refuses the request without one.
      expect(Object.keys(d.headers).some((h) => h === 'content-md5' || h.startsWith('x-amz-checksum-'))).toBe(
        true,
      );
      // Conditional: each key on the ETag the listing gave it, so an object written since is kept.
      expect(d.etags).toEqual(d.keys.map((k) => listed.get(k)));
    }
    expect((await s3.keys()).filter((k) => k.startsWith('batch/assets/c'))).toEqual([]);
  });
});

describe('conditional deletes (real s3rver behind an interceptor that plays S3 on DeleteObjects)', () => {
  /** The Objects of a DeleteObjects body: each key with the ETag condition, if any. */
  const objectsOf = (body: Buffer) =>
    [...body.toString().matchAll(/<Object>(.*?)<\/Object>/gs)].map((m) => ({
      key: /<Key>(.*?)<\/Key>/s.exec(m[1] as string)?.[1] as string,
      etag: /<ETag>(.*?)<\/ETag>/s.exec(m[1] as string)?.[1]?.replaceAll('&quot;', '"'),
    }));
  const isDelete = (req: { method: string; url: string }) =>
    req.method === 'POST' && new URL(req.url, 'http://x').searchParams.has('delete');

  it('an object written again since the listing is kept by its ETag and not reported as deleted, nor purged (mocked CloudFront API)', async () => {
    const to = 's3://skewless/cond';
    const a = await release('6a6a6a6a');
    await publish(a.dir, to);
    await publish((await release('6b6b6b6b')).dir, to);
    const rewritten = 'cond/assets/entry-6a6a6a6a.js';
    const object = (key: string) => `${s3.server.endpoint}/skewless/${key}`;
    let first = true;
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req, body) => {
      if (!isDelete(req)) return undefined;
      if (first) {
        first = false;
        // Between the prune's listing and its delete, someone writes the file again (other bytes, so
        // another ETag). s3rver takes unsigned requests.
        await fetch(object(rewritten), { method: 'PUT', body: 'console.log("again")\n' });
      }
      // What S3 does with the conditions: a key whose ETag changed is kept and named as an error.
      const errors: string[] = [];
      for (const o of objectsOf(body)) {
        const head = await fetch(object(o.key), { method: 'HEAD' });
        if (o.etag && head.ok && head.headers.get('etag') !== o.etag) errors.push(o.key);
        else await fetch(object(o.key), { method: 'DELETE' });
      }
      return {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors
          .map(
            (k) =>
              `<Error><Key>${k}</Key><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`,
          )
          .join('')}</DeleteResult>`,
      };
    });
    removals.push(proxy.close);
    const cloudfront = await startMockedApi(cloudFrontCreated);
    removals.push(cloudfront.close);
    const saved = process.env.SKEWLESS_CLOUDFRONT_API;
    process.env.SKEWLESS_CLOUDFRONT_API = cloudfront.endpoint;
    const info: string[] = [];
    try {
      const result = await prune({
        to,
        keep: 1,
        minAgeMs: 0,
        purge: ['cloudfront:E6'],
        logger: { info: (m) => info.push(m), warn: () => {}, error: () => {}, debug: () => {} },
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
      });
      expect(result.dropped).toEqual([a.id]);
      expect(result.deleted).not.toContain(rewritten);
      expect(result.deleted).toContain(`cond/.skewless/releases/${a.id}.json`);
      // Only the records are freed; the kept file's bytes are not counted.
      expect(result.deleted.every((k) => k.includes('/.skewless/'))).toBe(true);
      expect(info).toContain(`kept 1 object(s) written again since the listing: assets/entry-6a6a6a6a.js`);
      expect((await s3.body(rewritten)).toString()).toBe('console.log("again")\n');
      // Nothing was deleted from the served files, so nothing is purged.
      expect(result.purge).toEqual([{ target: 'cloudfront:E6', ok: true, items: [], manual: '' }]);
      expect(cloudfront.calls).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.SKEWLESS_CLOUDFRONT_API;
      else process.env.SKEWLESS_CLOUDFRONT_API = saved;
    }
  });

  it('a server without conditional deletes (501 NotImplemented) gets the same batch by key, and every later one', async () => {
    const to = 's3://skewless/nocond';
    await publish((await release('7a7a7a7a')).dir, to);
    await publish((await release('7b7b7b7b')).dir, to);
    const seen: { etags: boolean; status: number }[] = [];
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req, body, forward) => {
      if (!isDelete(req)) return undefined;
      const etags = objectsOf(body).some((o) => o.etag !== undefined);
      if (!etags) {
        const a = (await forward()) as unknown as {
          status: number;
          headers: Record<string, string>;
          body: Buffer;
        };
        seen.push({ etags, status: a.status });
        return { status: a.status, headers: a.headers, body: a.body.toString() };
      }
      seen.push({ etags, status: 501 });
      return {
        status: 501,
        headers: { 'content-type': 'application/xml' },
        body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message></Error>',
      };
    });
    removals.push(proxy.close);
    const result = await prune({
      to,
      keep: 1,
      minAgeMs: 0,
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
    });
    expect(result.deleted).toContain('nocond/assets/entry-7a7a7a7a.js');
    // The assets' batch with conditions (refused), again by key; the records' batch by key at once.
    // (s3rver may answer 500 to a batch whose keys race its empty-folder cleanup: retried, left out.)
    expect(seen.filter((r) => r.status !== 500)).toEqual([
      { etags: true, status: 501 },
      { etags: false, status: 200 },
      { etags: false, status: 200 },
    ]);
    expect(await s3.keys()).not.toContain('nocond/assets/entry-7a7a7a7a.js');
  });
});
