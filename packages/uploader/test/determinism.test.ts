import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Manifest, ManifestFile } from '@skewless/core';
import { compareWithPrevious, diffManifests, silentLogger, withoutHash } from '@skewless/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import command from '../src/cli/check-determinism.js';
import { renamedPairs } from '../src/determinism.js';

function file(path: string, sha256: string): ManifestFile {
  return {
    path,
    bytes: 1,
    sha256,
    integrity: 'sha256-x',
    contentType: 'text/plain',
    class: 'immutable',
    cacheControl: 'x',
  };
}

function manifest(release: string, files: ManifestFile[]): Manifest {
  return {
    version: 1,
    release,
    hash: { length: 8, characters: 'hex' },
    base: '/',
    assetsDir: 'assets',
    files,
  };
}

describe('diffManifests', () => {
  test('sorts paths into only-in-a, only-in-b, kept and changed, and compares release ids', () => {
    const a = manifest('r1', [file('a.js', '1'), file('same.js', '2'), file('changed.js', '3')]);
    const b = manifest('r2', [file('same.js', '2'), file('changed.js', '4'), file('b.js', '5')]);
    const diff = diffManifests(a, b);
    expect(diff.onlyInA).toEqual(['a.js']);
    expect(diff.onlyInB).toEqual(['b.js']);
    expect(diff.kept).toEqual(['same.js']);
    expect(diff.changed.map((c) => [c.path, c.a.sha256, c.b.sha256])).toEqual([['changed.js', '3', '4']]);
    expect(diff.release).toEqual({ a: 'r1', b: 'r2' });
    expect(diff.identical).toBe(false);
  });

  test('identical manifests are identical; a different release id alone is a difference', () => {
    const files = [file('x.js', '1')];
    expect(diffManifests(manifest('r', files), manifest('r', files)).identical).toBe(true);
    expect(diffManifests(manifest('r', files), manifest('s', files)).identical).toBe(false);
  });
});

test('compareWithPrevious counts same-name changes of non-immutable files apart from conflicts', () => {
  const doc = (sha: string): ManifestFile => ({ ...file('index.html', sha), class: 'document' });
  const previous = manifest('r1', [
    doc('1'),
    file('a-1111aaaa.js', '2'),
    file('kept.js', '3'),
    file('old.js', '4'),
  ]);
  const current = manifest('r2', [
    doc('5'),
    file('a-1111aaaa.js', '6'),
    file('kept.js', '3'),
    file('new.js', '7'),
  ]);
  expect(compareWithPrevious(previous, current)).toEqual({
    kept: 1,
    changed: 1,
    added: 1,
    removed: 1,
    conflicts: ['a-1111aaaa.js'],
  });
});

describe('pairing one file across two builds by its name without the hash', () => {
  const HEX8 = { length: 8, characters: 'hex' } as const;

  test('only the last -<hash> before the extension goes; the dash segments of the name stay', () => {
    expect(withoutHash('assets/vendor-react-1a2b3c4d.js', HEX8)).toBe('assets/vendor-react-#.js');
    expect(withoutHash('assets/vendor-lodash-1a2b3c4d.js', HEX8)).toBe('assets/vendor-lodash-#.js');
    expect(withoutHash('assets/vendor-react-1a2b3c4d.js.map', HEX8)).toBe('assets/vendor-react-#.js.map');
    // 'lodash' is six letters of base64 and 'abcdef12' eight of hex: neither is mistaken for the hash.
    expect(withoutHash('vendor-lodash-abcdef12.min.js', HEX8)).toBe('vendor-lodash-#.min.js');
    expect(withoutHash('assets/index-0123456789abcdef.js', { length: 16, characters: 'hex' })).toBe(
      'assets/index-#.js',
    );
    // A base64 hash may itself hold '-' and '_'.
    expect(withoutHash('assets/vendor-react-B-x_12aZ.js', { length: 8, characters: 'base64' })).toBe(
      'assets/vendor-react-#.js',
    );
    // Without a manifest: Rollup's and Vite's default, 8 base64url characters.
    expect(withoutHash('assets/vendor-react-B-x_12aZ.js')).toBe('assets/vendor-react-#.js');
  });

  test('a name without a hash in the format has no hashless form', () => {
    expect(withoutHash('index.html', HEX8)).toBeUndefined();
    expect(withoutHash('assets/vendor-react.js', HEX8)).toBeUndefined();
    // 8 base64 characters are not 8 hex ones.
    expect(withoutHash('assets/vendor-B-x_12aZ.js', HEX8)).toBeUndefined();
    expect(withoutHash('dir-1a2b3c4d/file.js', HEX8)).toBeUndefined();
  });

  test('vendor-react and vendor-lodash each pair with their own new name', () => {
    const a = manifest('r1', [
      file('assets/vendor-react-1111aaaa.js', '1'),
      file('assets/vendor-lodash-2222bbbb.js', '2'),
    ]);
    const b = manifest('r2', [
      file('assets/vendor-lodash-4444dddd.js', '4'),
      file('assets/vendor-react-3333cccc.js', '3'),
    ]);
    const pairs = renamedPairs(a, b, diffManifests(a, b), a.hash);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([
      ['assets/vendor-react-1111aaaa.js', 'assets/vendor-react-3333cccc.js'],
      ['assets/vendor-lodash-2222bbbb.js', 'assets/vendor-lodash-4444dddd.js'],
    ]);
  });

  test('two new files with one hashless name pair with neither', () => {
    const a = manifest('r1', [file('a-1111aaaa.js', '1')]);
    const b = manifest('r2', [file('a-3333cccc.js', '3'), file('a-4444dddd.js', '4')]);
    expect(renamedPairs(a, b, diffManifests(a, b), a.hash)).toEqual([]);
  });
});

describe('skewless check-determinism', () => {
  let project: string;
  const STABLE = `export default { logLevel: 'silent' };\n`;
  const UNSTABLE = `export default {
  plugins: [{ name: 'clock', transform: (code, id) => (id.endsWith('main.js') ? code + '\\ndocument.title = "' + Date.now() + '";\\n' : undefined) }],
};\n`;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'skewless-check-'));
    await mkdir(join(project, 'src'));
    await writeFile(
      join(project, 'package.json'),
      '{"name":"check-fixture","private":true,"type":"module"}\n',
    );
    await writeFile(
      join(project, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/src/main.js"></script></head><body></body></html>\n',
    );
    await writeFile(join(project, 'src', 'main.js'), "document.body.dataset.ok = 'yes';\n");
    await writeFile(join(project, 'stable.config.mjs'), STABLE);
    await writeFile(join(project, 'unstable.config.mjs'), UNSTABLE);
    // The project's own vite: this package's devDependency, linked in as a user's install would be.
    await symlink(join(import.meta.dirname, '..', 'node_modules'), join(project, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    try {
      const code = await command(argv, { logger: silentLogger, verbose: false });
      return { code, stdout };
    } finally {
      spy.mockRestore();
    }
  }

  test('exit 0 and an identical report for a deterministic build', async () => {
    const { code, stdout } = await run(['--root', project, '--config', 'stable.config.mjs', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.identical).toBe(true);
    expect(report.files).toBeGreaterThanOrEqual(2);
  });

  test('exit 1 and the differing region when a plugin writes the time into the build', async () => {
    const { code, stdout } = await run(['--root', project, '--config', 'unstable.config.mjs', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.identical).toBe(false);
    expect(report.regions.some((r: { a?: string }) => /document\.title\s*=\s*"\d+/.test(r.a ?? ''))).toBe(
      true,
    );
  });

  test('the human report says what it compared; --keep keeps the builds and the copies, the project stays', async () => {
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (m: string) => lines.push(m) };
    const before = await readdir(project, { recursive: true });
    const code = await command(['--root', project, '--config', 'stable.config.mjs', '--keep'], {
      logger,
      verbose: false,
    });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^the two builds are identical: \d+ files in outDir, release \S+\.$/);
    const kept =
      /^builds kept in (\S+) and (\S+); the copies of the project they were built in: (\S+) and (\S+)$/.exec(
        lines[1] ?? '',
      );
    expect(kept).not.toBeNull();
    const [, outA, , copyA] = kept!;
    expect(await readdir(outA!)).toContain('index.html');
    expect(await readdir(copyA!)).toContain('stable.config.mjs');
    // Vite bundles the config next to it; in the copy, not in the project.
    expect(await readdir(project, { recursive: true })).toEqual(before);
    const work = dirname(outA!);
    expect(basename(work)).toMatch(/^skewless-determinism-/);
    await rm(work, { recursive: true, force: true });
  });

  test('a --root that does not exist says so, not that vite is missing', async () => {
    const missing = join(project, 'no-such-folder');
    await expect(run(['--root', missing])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining(`the project folder ${missing} does not exist`),
    });
  });

  test('an unknown flag is a usage error (exit 2) that says so', async () => {
    await expect(run(['--nope'])).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining('unknown option --nope'),
    });
  });
});
