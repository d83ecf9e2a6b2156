import type { Manifest } from '@skewless/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManifest } from '../src/index.js';
import type { RemoteHead, RemoteObject } from '../src/targets/target.js';
import { md5File } from '../src/upload/digest.js';
import { planUpload } from '../src/upload/plan.js';
import { makeBuildDir } from './helpers/build-dir.js';

// The planner on its own, fed listings as an S3 server would give them (multipart and SSE-KMS ETags
// come from real S3, which no local server imitates).
let build: Awaited<ReturnType<typeof makeBuildDir>>;
let manifest: Manifest;
const JS = 'assets/app-1a2b3c4d.js';
const TXT = 'robots.txt';

beforeAll(async () => {
  build = await makeBuildDir({
    [JS]: 'console.log(1)\n',
    [TXT]: 'User-agent: *\n',
    'index.html': '<p>x</p>',
  });
  manifest = await createManifest({ dir: build.dir });
});
afterAll(() => build.remove());

function file(path: string) {
  return manifest.files.find((f) => f.path === path)!;
}

async function plan(remote: RemoteObject[], heads: Record<string, RemoteHead> = {}, extra = {}) {
  const asked: string[] = [];
  const entries = await planUpload({
    manifest,
    dir: build.dir,
    key: (path) => `p/${path}`,
    remote: new Map(remote.map((r) => [r.path, r])),
    head: async (path) => {
      asked.push(path);
      return heads[path];
    },
    html: false,
    includePrivate: false,
    force: false,
    concurrency: 4,
    ...extra,
  });
  return { by: Object.fromEntries(entries.map((e) => [e.path, `${e.action}: ${e.reason}`])), asked };
}

describe('planUpload', () => {
  it('uploads what is missing, omits documents without html, keys carry the prefix', async () => {
    const entries = await planUpload({
      manifest,
      dir: build.dir,
      key: (path) => `p/${path}`,
      remote: new Map(),
      head: async () => undefined,
      html: false,
      includePrivate: false,
      force: false,
      concurrency: 4,
    });
    expect(entries.map((e) => [e.key, e.action])).toEqual([
      ['p/assets/app-1a2b3c4d.js', 'upload'],
      ['p/index.html', 'omit'],
      ['p/robots.txt', 'upload'],
    ]);
  });

  it('skips by size and single-part ETag without any HEAD', async () => {
    const { by, asked } = await plan([
      { path: JS, size: file(JS).bytes, etag: await md5File(`${build.dir}/${JS}`) },
      { path: TXT, size: file(TXT).bytes, etag: await md5File(`${build.dir}/${TXT}`) },
    ]);
    expect(by[JS]).toBe('skip: same bytes');
    expect(by[TXT]).toBe('skip: same bytes');
    expect(asked).toEqual([]);
  });

  it('HEADs a multipart ETag and skips on the stored sha256', async () => {
    const { by, asked } = await plan([{ path: JS, size: file(JS).bytes, etag: `${'a'.repeat(32)}-3` }], {
      [JS]: { size: file(JS).bytes, sha256: file(JS).sha256 },
    });
    expect(asked).toEqual([JS]);
    expect(by[JS]).toBe('skip: same bytes');
  });

  it('an immutable key with a non-MD5 ETag (SSE-KMS) is confirmed by HEAD before any conflict', async () => {
    const same = await plan([{ path: JS, size: file(JS).bytes, etag: 'f'.repeat(32) }], {
      [JS]: { size: file(JS).bytes, sha256: file(JS).sha256 },
    });
    expect(same.by[JS]).toBe('skip: same bytes');
    const other = await plan([{ path: JS, size: file(JS).bytes, etag: 'f'.repeat(32) }], {
      [JS]: { size: file(JS).bytes, sha256: '0'.repeat(64) },
    });
    expect(other.by[JS]).toBe('conflict: other bytes');
  });

  it('other size under an immutable name is a conflict, or an overwrite with force; a revalidate file is replaced', async () => {
    const remote = [
      { path: JS, size: 1, etag: 'x' },
      { path: TXT, size: 1, etag: 'x' },
    ];
    const refused = await plan(remote);
    expect(refused.by[JS]).toBe('conflict: other bytes');
    expect(refused.by[TXT]).toBe('upload: changed');
    expect(refused.asked).toEqual([]);
    const forced = await plan(remote, {}, { force: true });
    expect(forced.by[JS]).toMatch(/^upload: .*--force/);
  });

  it('an immutable object without a digest to compare is never assumed equal', async () => {
    const { by } = await plan([{ path: JS, size: file(JS).bytes, etag: `${'a'.repeat(32)}-2` }], {
      [JS]: { size: file(JS).bytes },
    });
    expect(by[JS]).toBe('conflict: cannot prove same bytes');
  });
});
