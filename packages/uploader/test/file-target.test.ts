import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { createFileTarget } from '../src/targets/file.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const b = await makeBuildDir(VITE_LIKE);
  await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
  const out = await mkdtemp(join(tmpdir(), 'skewless-target-'));
  cleanups.push(b.remove, () => rm(out, { recursive: true, force: true }));
  return { b, out, to: pathToFileURL(join(out, 'site')).href };
}

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('file:// target', () => {
  it('writes the same keys as S3, without sidecar files, and re-runs write nothing', async () => {
    const { b, out, to } = await setup();
    const result = await upload({ dir: b.dir, to, html: true });
    expect(result.uploaded).toBe(7);
    const site = join(out, 'site');
    expect(await tree(site)).toEqual([
      '.skewless/current.json',
      `.skewless/documents/${result.release}/index.html`,
      `.skewless/documents/${result.release}/skewless.json`,
      `.skewless/releases/${result.release}.json`,
      'assets/index-0a1b2c3d.css',
      'assets/index-1a2b3c4d.js',
      'assets/lazy-9a8b7c6d.js',
      'assets/logo-5e6f7a8b.svg',
      'index.html',
      'robots.txt',
      'skewless.json',
    ]);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe(VITE_LIKE['index.html']);

    const mtime = (await stat(join(site, 'assets/index-1a2b3c4d.js'))).mtimeMs;
    const again = await upload({ dir: b.dir, to, html: true });
    expect(again.uploaded).toBe(0);
    expect(again.skipped).toBe(7);
    expect((await stat(join(site, 'assets/index-1a2b3c4d.js'))).mtimeMs).toBe(mtime);
  });

  it('refuses other bytes under an existing hashed name and writes nothing', async () => {
    const { b, out, to } = await setup();
    await upload({ dir: b.dir, to });
    await b.write('assets/index-1a2b3c4d.js', 'other bytes\n');
    await b.write('assets/extra-4d3c2b1a.js', 'new\n');
    await writeManifest(b.dir, await createManifest({ dir: b.dir }));
    await expect(upload({ dir: b.dir, to, html: true })).rejects.toMatchObject({
      code: 'IMMUTABLE_CONFLICT',
    });
    const site = join(out, 'site');
    expect(await readFile(join(site, 'assets/index-1a2b3c4d.js'), 'utf8')).toBe(
      VITE_LIKE['assets/index-1a2b3c4d.js'],
    );
    expect(await tree(site)).not.toContain('assets/extra-4d3c2b1a.js');
  });

  it('a conditional write on a taken name reports it instead of replacing the file', async () => {
    const { b, out } = await setup();
    const target = createFileTarget(out, pathToFileURL(out).href);
    await writeFile(join(out, 'taken.js'), 'first');
    const outcome = await target.put({
      path: 'taken.js',
      file: join(b.dir, 'robots.txt'),
      bytes: 14,
      sha256: '',
      contentType: 'text/javascript',
      cacheControl: '',
      release: 'r',
      ifNoneMatch: true,
    });
    expect(outcome).toBe('exists');
    expect(await readFile(join(out, 'taken.js'), 'utf8')).toBe('first');
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('stores the release record before anything else: a release prune cannot see is never sent, let alone published', async () => {
    const { b, out, to } = await setup();
    const first = await upload({ dir: b.dir, to, html: true });
    const site = join(out, 'site');
    // Make the next release record impossible to store: its folder is a file now.
    await rm(join(site, '.skewless/releases'), { recursive: true });
    await writeFile(join(site, '.skewless/releases'), 'not a folder');
    await b.write('index.html', `${VITE_LIKE['index.html']}<!-- v2 -->`);
    await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));

    await expect(upload({ dir: b.dir, to, html: true })).rejects.toMatchObject({
      code: 'UPLOAD_FAILED',
      message: expect.stringContaining('storing the record of release'),
    });
    expect(JSON.parse(await readFile(join(site, 'skewless.json'), 'utf8'))).toEqual({
      release: first.release,
    });
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe(VITE_LIKE['index.html']);
  });

  it('--dry-run on a target directory that does not exist creates nothing', async () => {
    const { b, out, to } = await setup();
    const result = await upload({ dir: b.dir, to, dryRun: true, html: true });
    expect(result.uploaded).toBe(7);
    expect(await readdir(out)).toEqual([]);
  });

  it('the release record, in the target prefix, lists no private file and no source name (unless includePrivate)', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const manifest = await createManifest({
      dir: b.dir,
      facts: [{ path: 'assets/index-1a2b3c4d.js', hashed: true, source: 'src/admin/secret-page.ts' }],
    });
    expect(manifest.files.some((f) => f.class === 'private')).toBe(true);
    expect(manifest.files.find((f) => f.path === 'assets/index-1a2b3c4d.js')?.source).toBe(
      'src/admin/secret-page.ts',
    );
    await writeManifest(b.dir, manifest);
    const out = await mkdtemp(join(tmpdir(), 'skewless-target-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const record = async (name: string, includePrivate: boolean) => {
      const to = pathToFileURL(join(out, name)).href;
      const result = await upload({ dir: b.dir, to, includePrivate });
      return readFile(join(out, name, `.skewless/releases/${result.release}.json`), 'utf8');
    };
    const plain = await record('plain', false);
    expect(plain).not.toContain('.map"');
    expect(plain).not.toContain('secret-page');
    expect(plain).toContain('assets/index-1a2b3c4d.js');
    // Uploaded, so listed: a later prune must be able to delete it.
    const withPrivate = await record('private', true);
    expect(withPrivate).toContain('assets/index-1a2b3c4d.js.map');
    expect(withPrivate).not.toContain('secret-page');
  });
});
