import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadPlanEntry } from '@skewless/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteObject } from '../src/targets/target.js';
import { verifyListing } from '../src/upload/verify.js';

// The listing is plain data here: what the second ListObjectsV2 returns, e.g. after another writer.
const body = 'console.log("v1")';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const entry: UploadPlanEntry = {
  path: 'assets/a-1a2b3c4d.js',
  key: 'app/assets/a-1a2b3c4d.js',
  class: 'immutable',
  bytes: body.length,
  action: 'upload',
  reason: 'new',
};
const listing = (o: Partial<RemoteObject>) =>
  new Map([[entry.path, { path: entry.path, size: body.length, ...o }]]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skewless-verify-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, entry.path), body);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('verifyListing', () => {
  it('accepts the same size and the MD5 ETag of the local bytes', async () => {
    await expect(
      verifyListing([entry], listing({ etag: md5(body) }), 's3://b/app', dir),
    ).resolves.toBeUndefined();
  });

  it('a multipart ETag is checked against the file sent in our part size: its own passes, another is refused', async () => {
    // One part: the MD5 of the part's MD5, then "-1".
    const own = `${createHash('md5').update(createHash('md5').update(body).digest()).digest('hex')}-1`;
    await expect(verifyListing([entry], listing({ etag: own }), 's3://b/app', dir)).resolves.toBeUndefined();
    // The server's word on what it stores, never our own metadata: other parts are other bytes.
    await expect(
      verifyListing([entry], listing({ etag: `${md5(body)}-3` }), 's3://b/app', dir),
    ).rejects.toThrow(/app\/assets\/a-1a2b3c4d\.js \(other bytes of the same size: multipart ETag/);
  });

  it('refuses other bytes of the same size, naming the key', async () => {
    const other = listing({ etag: md5('console.log("v2")') });
    await expect(verifyListing([entry], other, 's3://b/app', dir)).rejects.toThrow(
      /\[skewless\] after the upload, s3:\/\/b\/app does not hold 1 asset.*app\/assets\/a-1a2b3c4d\.js \(other bytes.*No document was published/,
    );
  });

  it('settles a 32-hex ETag that is not the MD5 (SSE-KMS) by the stored sha256, via HEAD', async () => {
    const kms = listing({ etag: 'f'.repeat(32) });
    const asked: string[] = [];
    const confirm = async (e: UploadPlanEntry, same: boolean) => {
      asked.push(e.path);
      return same;
    };
    await expect(
      verifyListing([entry], kms, 's3://b/app', dir, (e) => confirm(e, true)),
    ).resolves.toBeUndefined();
    expect(asked).toEqual([entry.path]);
    await expect(verifyListing([entry], kms, 's3://b/app', dir, (e) => confirm(e, false))).rejects.toThrow(
      /other bytes of the same size/,
    );
  });

  it('refuses a missing key and a wrong size', async () => {
    await expect(verifyListing([entry], new Map(), 's3://b/app', dir)).rejects.toThrow(/\(missing\)/);
    await expect(verifyListing([entry], listing({ size: 3 }), 's3://b/app', dir)).rejects.toThrow(
      /3 bytes, expected 17/,
    );
  });
});
