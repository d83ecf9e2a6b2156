import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createManifest, parseManifest, serializeManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('manifest paths are confined to the build and the target', () => {
  it('refuses a manifest whose file path climbs out of the directory, and writes nothing outside the target', async () => {
    const out = await mkdtemp(join(tmpdir(), 'skewless-escape-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const manifest = await createManifest({ dir: b.dir });
    // A file next to the build directory, listed as '../<name>' with its true size and digest.
    const name = `stolen-${Date.now()}.txt`;
    cleanups.push(() => rm(join(b.dir, '..', name), { force: true }));
    const real = manifest.files.find((f) => f.path === 'robots.txt')!;
    await writeFile(join(b.dir, '..', name), await readFile(join(b.dir, 'robots.txt')));
    manifest.files.push({ ...real, path: `../${name}` });
    await writeManifest(b.dir, manifest);

    const to = pathToFileURL(join(out, 'site')).href;
    await expect(upload({ dir: b.dir, to })).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
    expect(await exists(join(out, name))).toBe(false);
    expect(await exists(join(out, 'site'))).toBe(false);
  });

  it('refuses a release id that is not a plain name (it becomes a key under .skewless/releases/)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'skewless-escape-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const manifest = await createManifest({ dir: b.dir });
    manifest.release = '../../../pwned';
    await writeManifest(b.dir, manifest);

    const to = pathToFileURL(join(out, 'site')).href;
    await expect(upload({ dir: b.dir, to })).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
    expect(await exists(join(out, 'pwned.json'))).toBe(false);
  });

  it('parseManifest names each unsafe path and says what to do', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const manifest = await createManifest({ dir: b.dir });
    for (const path of ['/etc/passwd', 'assets/../../x.js', 'a\\..\\b.js', '', 'assets//x.js', 'a/./b.js']) {
      const text = serializeManifest({
        ...manifest,
        files: [...manifest.files, { ...manifest.files[0]!, path }],
      });
      expect(() => parseManifest(text, 'm.json'), JSON.stringify(path)).toThrow(
        /m\.json has unsafe names .*not a relative path.* rebuild with @skewless\/vite/,
      );
    }
    expect(parseManifest(serializeManifest(manifest), 'm.json').files).toHaveLength(manifest.files.length);
  });
});
