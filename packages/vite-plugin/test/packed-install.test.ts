import { execFile } from 'node:child_process';
import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedApp, packedInstall } from '../../../scripts/packed-install.js';
import { FIXTURES } from './helpers/builders.js';

const run = promisify(execFile);
const PACKAGE = join(import.meta.dirname, '..');

// What a Vite app that does not upload from the build installs: the plugin, core and the runtime, as
// packed tarballs from npm into a folder outside the workspace. The upload engine (and the AWS SDK
// behind it) is an optional peer, so it must not be there.
describe('a Vite app that installs @skewless/vite and @skewless/runtime only', () => {
  let app: PackedApp;
  const vite = (config: string) =>
    run(
      process.execPath,
      [join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', config],
      {
        cwd: app.dir,
      },
    );

  beforeAll(async () => {
    app = await packedInstall(['core', 'runtime', 'vite-plugin']);
    // The app's bundler, a peer left out of the install: the workspace's Vite 7.
    await symlink(join(PACKAGE, 'node_modules', 'vite'), join(app.dir, 'node_modules', 'vite'), 'dir');
    await cp(join(FIXTURES, 'cjs-config', 'index.html'), join(app.dir, 'index.html'));
    await cp(join(FIXTURES, 'cjs-config', 'src'), join(app.dir, 'src'), { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await app?.cleanup();
  });

  it('has no AWS SDK and no upload engine in node_modules', () => {
    expect(app.installed).toEqual(
      expect.arrayContaining(['@skewless/core', '@skewless/runtime', '@skewless/vite']),
    );
    expect(
      app.installed.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/')),
    ).toEqual([]);
    expect(app.installed).not.toContain('@skewless/uploader');
  });

  it('builds, with the manifest and the release stamped into the HTML', async () => {
    await writeFile(
      join(app.dir, 'vite.config.mjs'),
      "import { skewless } from '@skewless/vite';\nexport default { logLevel: 'warn', plugins: [skewless()] };\n",
    );
    await vite('vite.config.mjs');
    const manifest = JSON.parse(await readFile(join(app.dir, 'dist', '.skewless', 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('index.html');
    expect(await readFile(join(app.dir, 'dist', 'index.html'), 'utf8')).toContain(
      `<meta name="skewless-release" content="${manifest.release}">`,
    );
  }, 120_000);

  it("with 'upload' set, fails before building with the command that installs the engine", async () => {
    await writeFile(
      join(app.dir, 'upload.config.mjs'),
      "import { skewless } from '@skewless/vite';\nexport default { logLevel: 'error', build: { outDir: 'dist-upload' }, plugins: [skewless({ upload: { to: 'file:///tmp/skewless-never' } })] };\n",
    );
    const failed = await vite('upload.config.mjs').then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain('npm i -D @skewless/uploader');
    // Refused when the config resolved: no file of the build was written.
    await expect(readFile(join(app.dir, 'dist-upload', 'index.html'))).rejects.toThrow(/ENOENT/);
  }, 120_000);
});
