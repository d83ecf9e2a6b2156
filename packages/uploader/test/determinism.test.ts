import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import command from '../src/commands/check-determinism.js';
import { diffManifests } from '../src/determinism.js';
import { silentLogger } from '../src/logger.js';
import type { Manifest, ManifestFile } from '../src/types.js';

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

  test('an unknown flag is a parse error, which the CLI maps to exit 2', async () => {
    await expect(run(['--nope'])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });
});
