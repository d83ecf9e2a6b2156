import { describe, expect, it } from 'vitest';
import { makeBuildDir } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env as s3EnvOf, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// A build without a manifest (exported from an image built without the plugin) is classed by its
// names: the bundlers' default hash shapes are immutable, anything else revalidates, and a build in
// which nothing looks hashed says so.

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});
const env = () => s3EnvOf(s3);

async function bare(files: Record<string, string>) {
  const b = await makeBuildDir(files);
  cleanups.push(b.remove);
  return b.dir;
}
const cacheControl = async (key: string) => (await s3.head(key)).CacheControl ?? '';

describe('skewless upload of a build without a manifest', () => {
  it('a file name with a backslash is refused naming it, exit 2, nothing written (its release record would block prune)', async () => {
    const dir = await bare({
      'index.html': '<!doctype html>',
      'odd\\name.txt': 'x',
      'assets/a-0a1b2c3d.js': 'a',
    });
    const run = await runCli(built.cli, ['upload', dir, '--to', 's3://skewless/backslash', '--html'], env());
    expect(run.stderr).toContain(
      `${dir} holds 1 file name(s) with a backslash, which the target cannot name safely (a path separator on Windows; prune and rollback refuse a release listing one): "odd\\\\name.txt". Nothing was written. Rename them, then run again.`,
    );
    expect(run.code).toBe(2);
    expect((await s3.keys()).filter((k) => k.startsWith('backslash/'))).toEqual([]);
  });

  it("Vite's default names (8 base64url characters) are immutable; the log says which shape it read", async () => {
    const dir = await bare({
      'index.html': '<!doctype html><script type="module" src="/assets/index-DAp1K8Hb.js"></script>',
      'assets/index-DAp1K8Hb.js': 'import("./Settings-Bq3xZ9kL.js")\n',
      'assets/Settings-Bq3xZ9kL.js': 'export default 1\n',
      'assets/index-CjWpKqXb.css': 'body{}\n',
      'assets/app-Settings.js': 'export const notHashed = 1\n',
    });
    const run = await runCli(built.cli, ['upload', dir, '--to', 's3://skewless/bare-vite', '--html'], env());
    expect(run.stderr).toContain(
      'Names with -<8 base64url characters>. before the extension are immutable: 3 immutable',
    );
    expect(run.code).toBe(0);
    for (const key of [
      'assets/index-DAp1K8Hb.js',
      'assets/Settings-Bq3xZ9kL.js',
      'assets/index-CjWpKqXb.css',
    ])
      expect(await cacheControl(`bare-vite/${key}`), key).toContain('immutable');
    expect(await cacheControl('bare-vite/assets/app-Settings.js')).not.toContain('immutable');
    expect(await cacheControl('bare-vite/index.html')).not.toContain('immutable');
    expect(run.stderr).not.toMatch(/none of the/);
  });

  it('a build in which no script or stylesheet looks hashed warns, naming the count and the flags; nothing is immutable', async () => {
    const dir = await bare({
      'index.html': '<!doctype html><script src="/js/app.js"></script>',
      'js/app.js': 'console.log(1)\n',
      'js/vendor.js': 'console.log(2)\n',
      'css/site.css': 'body{}\n',
    });
    const run = await runCli(built.cli, ['upload', dir, '--to', 's3://skewless/bare-none', '--html'], env());
    expect(run.stderr).toMatch(
      /none of the 3 script\(s\) and stylesheet\(s\) in .* has a content-hashed name/,
    );
    expect(run.stderr).toContain('--hash-length and --hash-characters');
    expect(run.code).toBe(0);
    expect(await cacheControl('bare-none/js/app.js')).not.toContain('immutable');
  });

  it('--hash-length and --hash-characters name another shape; a bad one is a usage error with nothing written', async () => {
    const dir = await bare({
      'index.html': '<!doctype html>',
      'assets/app-0123456789ab.js': 'export {}\n',
      'assets/app-1a2b3c4d.js': 'export {}\n',
    });
    const run = await runCli(
      built.cli,
      ['upload', dir, '--to', 's3://skewless/bare-12', '--hash-length', '12', '--hash-characters', 'hex'],
      env(),
    );
    expect(run.code).toBe(0);
    expect(await cacheControl('bare-12/assets/app-0123456789ab.js')).toContain('immutable');
    expect(await cacheControl('bare-12/assets/app-1a2b3c4d.js')).not.toContain('immutable');

    const bad = await runCli(
      built.cli,
      ['upload', dir, '--to', 's3://skewless/bare-bad', '--hash-length', '3'],
      env(),
    );
    expect(bad.stderr).toMatch(
      /--hash-length \/ --hash-characters: the hash length must be an integer from 8 to 21/,
    );
    expect(bad.code).toBe(2);
    expect((await s3.keys()).filter((k) => k.startsWith('bare-bad/'))).toEqual([]);
  });

  it("SvelteKit's _app/immutable/ and Astro's _astro/ files are immutable by folder; _app/version.json is a document; the log says so", async () => {
    const dir = await bare({
      'index.html':
        '<!doctype html><script type="module" src="/_app/immutable/entry/app.1cf46e3d.js"></script>',
      '_app/immutable/entry/app.1cf46e3d.js': 'import("../nodes/0.DtJ9kq2Z.js")\n',
      '_app/immutable/nodes/0.DtJ9kq2Z.js': 'export default 1\n',
      '_app/version.json': '{"version":"1764770000000"}',
      '_astro/Counter.661d66cb.js': 'export const c = 1\n',
      'robots.txt': 'User-agent: *\n',
    });
    const run = await runCli(built.cli, ['upload', dir, '--to', 's3://skewless/bare-kit', '--html'], env());
    expect(run.stderr).toContain('and so is every file in _app/immutable/ and _astro/');
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/none of the/);
    for (const key of [
      '_app/immutable/entry/app.1cf46e3d.js',
      '_app/immutable/nodes/0.DtJ9kq2Z.js',
      '_astro/Counter.661d66cb.js',
    ])
      expect(await cacheControl(`bare-kit/${key}`), key).toContain('immutable');
    expect(await cacheControl('bare-kit/_app/version.json')).toBe('no-cache');
    expect(await cacheControl('bare-kit/robots.txt')).not.toContain('immutable');
  });
});
