import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env as s3EnvOf, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// Bad input is refused with a non-zero exit, every problem named, and nothing written.

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

const env = () => s3EnvOf(s3);

const written = async (prefix: string) => (await s3.keys()).filter((k) => k.startsWith(`${prefix}/`));

describe('skewless upload refuses bad input', () => {
  it('an empty build directory: exit 2, named, nothing written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skewless-empty-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const run = await runCli(built.cli, ['upload', dir, '--to', 's3://skewless/empty', '--html'], env());
    expect(run.stderr).toContain(
      `[skewless] the build directory ${dir} holds no files. Nothing was written.`,
    );
    expect(run.code).toBe(2);
    expect(await written('empty')).toEqual([]);
  });

  it('a manifest that does not match the directory: every file named with the fix, exit 1, nothing written', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
    // Same size, other bytes; another size; a file the manifest never saw.
    await b.write('assets/lazy-9a8b7c6d.js', VITE_LIKE['assets/lazy-9a8b7c6d.js']!.replace('1', '2'));
    await b.write('robots.txt', 'User-agent: *\nDisallow: /\n');
    await b.write('assets/extra-11111111.js', 'export {}\n');
    const run = await runCli(built.cli, ['upload', b.dir, '--to', 's3://skewless/stale', '--html'], env());
    expect(run.stderr).toContain(`[skewless] the files in ${b.dir} do not match the manifest:`);
    expect(run.stderr).toContain(
      'assets/lazy-9a8b7c6d.js (other bytes than the manifest says: sha256 differs)',
    );
    expect(run.stderr).toMatch(/robots\.txt \(\d+ bytes, the manifest says 14\)/);
    expect(run.stderr).toContain('assets/extra-11111111.js (not in the manifest)');
    expect(run.stderr).toContain(
      `Nothing was written. Rebuild, or upload without the manifest (delete ${join(b.dir, '.skewless/manifest.json')}).`,
    );
    expect(run.code).toBe(1);
    expect(await written('stale')).toEqual([]);
  });

  it('precompressed siblings (X.br next to a listed X) are not taken for files missing from the manifest', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
    const { brotliCompressSync } = await import('node:zlib');
    await b.write('assets/index-1a2b3c4d.js.br', brotliCompressSync(VITE_LIKE['assets/index-1a2b3c4d.js']!));
    const run = await runCli(built.cli, ['upload', b.dir, '--to', 's3://skewless/siblings'], env());
    expect(run.stderr).not.toContain('not in the manifest');
    expect(run.code).toBe(0);
  });

  it('a symbolic link in the build (a manifest entry, or a bare directory) is refused naming it; nothing written', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'skewless-outside-'));
    cleanups.push(() => rm(outside, { recursive: true, force: true }));
    await writeFile(join(outside, 'secret.txt'), 'not part of the build\n');
    for (const [prefix, manifest] of [
      ['link-manifest', true],
      ['link-bare', false],
    ] as const) {
      const b = await makeBuildDir(VITE_LIKE);
      cleanups.push(b.remove);
      await symlink(join(outside, 'secret.txt'), join(b.dir, 'assets', 'notes-1a1a1a1a.txt'));
      if (manifest) await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
      const run = await runCli(
        built.cli,
        ['upload', b.dir, '--to', `s3://skewless/${prefix}`, '--html'],
        env(),
      );
      expect(run.code, prefix).toBe(2);
      expect(run.stderr).toContain(
        `holds 1 symbolic link(s): assets/notes-1a1a1a1a.txt → ${join(outside, 'secret.txt')}. Nothing was written.`,
      );
      expect(await written(prefix)).toEqual([]);
    }
  });

  it('a build file the user may not read: named with the fix, exit 2, nothing written (with a manifest and without)', async () => {
    // Root reads any file whatever its mode (CAP_DAC_OVERRIDE), so as root the CLI runs without the two
    // capabilities that let it: a real EACCES either way, from a file of the CLI's own user. (Running it
    // as another user instead fails where the checkout lies under a private folder, as mktemp -d makes.)
    const wrapper =
      process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search'] : [];
    for (const [prefix, manifest] of [
      ['unreadable-manifest', true],
      ['unreadable-bare', false],
    ] as const) {
      const b = await makeBuildDir(VITE_LIKE);
      cleanups.push(b.remove);
      if (manifest) await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
      const file = join(b.dir, 'assets', 'lazy-9a8b7c6d.js');
      await chmod(file, 0o000);
      const run = await runCli(
        built.cli,
        ['upload', b.dir, '--to', `s3://skewless/${prefix}`, '--html'],
        env(),
        wrapper,
      );
      expect(run.stderr, prefix).toContain(
        `[skewless] cannot read ${file} (EACCES: permission denied). Skewless reads every file of the build it uploads: make the file readable by the user running it (chmod a+r), or remove it from the build, then run again.`,
      );
      expect(run.stderr).not.toContain('unexpected error');
      expect(run.code, prefix).toBe(2);
      expect(await written(prefix)).toEqual([]);
    }
  });

  it("a --to prefix with '..', '.' or an empty segment is refused before any request", async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    for (const [to, said] of [
      ['s3://skewless/app/../other', "a '..' segment"],
      ['s3://skewless/./app', "a '.' segment"],
      ['s3://skewless/app//v2', 'an empty segment (//)'],
    ] as const) {
      const run = await runCli(built.cli, ['upload', b.dir, '--to', to], env());
      expect(run.code, to).toBe(2);
      expect(run.stderr).toContain(`the prefix of '${to}' has ${said}, so objects could land outside it.`);
    }
    expect(await written('other')).toEqual([]);
    expect(await written('app')).toEqual([]);
  });

  it('a table of bad command lines: each exits non-zero with a message naming the problem and the fix, and writes nothing', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    const broken = await makeBuildDir({ ...VITE_LIKE, '.skewless/manifest.json': '{not json' });
    const newer = await makeBuildDir({
      ...VITE_LIKE,
      '.skewless/manifest.json': JSON.stringify({ version: 2, release: 'x', files: [] }),
    });
    cleanups.push(b.remove, broken.remove, newer.remove);
    const to = 's3://skewless/table';
    const cases: [string, string[], number, string][] = [
      [
        'missing directory',
        ['upload', '/nonexistent/skewless-dist', '--to', to],
        2,
        'does not exist. Build first',
      ],
      [
        'a file, not a directory',
        ['upload', join(b.dir, 'index.html'), '--to', to],
        2,
        'is a file, not a build directory',
      ],
      ['no --to', ['upload', b.dir], 2, "--to is required: 's3://bucket/prefix'"],
      [
        '--to without a scheme',
        ['upload', b.dir, '--to', 'skewless/table'],
        2,
        '--to must start with s3://<bucket> or file:///',
      ],
      ['--to without a bucket', ['upload', b.dir, '--to', 's3://'], 2, '--to must start with s3://<bucket>'],
      [
        '--to over http',
        ['upload', b.dir, '--to', 'http://example.com/x'],
        2,
        '--to must start with s3://<bucket>',
      ],
      [
        'a bucket that does not exist',
        ['upload', b.dir, '--to', 's3://no-such-bucket/table'],
        1,
        'the bucket of s3://no-such-bucket/table does not exist',
      ],
      [
        'malformed manifest JSON',
        ['upload', broken.dir, '--to', to],
        1,
        'manifest.json is not valid JSON. Rebuild with @skewless/vite',
      ],
      [
        'a manifest of another version',
        ['upload', newer.dir, '--to', to],
        1,
        'is not a Skewless manifest (expected "version": 1',
      ],
      [
        '--concurrency 0',
        ['upload', b.dir, '--to', to, '--concurrency', '0'],
        2,
        '--concurrency must be a whole number ≥ 1',
      ],
      [
        '--concurrency abc',
        ['upload', b.dir, '--to', to, '--concurrency', 'abc'],
        2,
        '--concurrency must be a whole number ≥ 1',
      ],
      [
        '--request-timeout soon',
        ['upload', b.dir, '--to', to, '--request-timeout', 'soon'],
        2,
        '--request-timeout must be',
      ],
      [
        'a misspelt flag',
        ['upload', b.dir, '--to', to, '--htlm'],
        2,
        'unknown option --htlm. Did you mean --html?',
      ],
      ['two directories', ['upload', b.dir, b.dir, '--to', to], 2, 'give exactly one build directory'],
      ['prune --keep 0', ['prune', '--to', to, '--keep', '0'], 2, '--keep must be a whole number ≥ 1'],
      ['prune --min-age soon', ['prune', '--to', to, '--min-age', 'soon'], 2, '--min-age must be a duration'],
      [
        'rollback with nothing to go back to',
        ['rollback', '--to', to, '--release', 'previous'],
        2,
        'has no earlier release to go back to',
      ],
      ['doctor without --to', ['doctor'], 2, '--to is required'],
      ['an unknown command', ['uplod', b.dir], 2, "unknown command 'uplod'"],
    ];
    for (const [what, args, exit, said] of cases) {
      const run = await runCli(built.cli, args, env());
      expect(run.stderr, what).toContain(said);
      expect(run.code, what).toBe(exit);
      // One line that names it, prefixed, never a stack without --verbose.
      expect(run.stderr, what).toMatch(/^\[skewless\] /m);
      expect(run.stderr, what).not.toMatch(/\n\s+at /);
    }
    expect(await written('table')).toEqual([]);
  });
});
