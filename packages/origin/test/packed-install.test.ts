import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createManifest, writeManifest } from '@skewless/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedApp, packedInstall } from '../../../scripts/packed-install.js';

// A Node server that serves a build with the origin handler installs @skewless/origin alone (core
// comes with it), as packed tarballs from npm into a folder outside the workspace.
describe('a Node server that installs @skewless/origin only', () => {
  let app: PackedApp;
  let server: ChildProcess | undefined;
  let origin = '';

  beforeAll(async () => {
    app = await packedInstall(['core', 'origin']);
    const dist = join(app.dir, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(
      join(dist, 'index.html'),
      '<!doctype html><script type="module" src="/assets/index-1a2b3c4d.js"></script>',
    );
    await writeFile(join(dist, 'assets', 'index-1a2b3c4d.js'), 'console.log("v1");\n');
    await writeManifest(dist, await createManifest({ dir: dist }));
    await writeFile(
      join(app.dir, 'server.mjs'),
      [
        "import { createServer } from 'node:http';",
        "import { createOriginHandler } from '@skewless/origin';",
        "const handler = createOriginHandler({ dir: 'dist' });",
        'const server = createServer((req, res) => handler(req, res));',
        "server.listen(0, '127.0.0.1', () => console.log(server.address().port));",
      ].join('\n'),
    );
    server = spawn(process.execPath, ['server.mjs'], { cwd: app.dir, stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(server.stdout!, 'data')) as [Buffer];
    origin = `http://127.0.0.1:${line.toString().trim()}`;
  }, 180_000);
  afterAll(async () => {
    server?.kill();
    await app?.cleanup();
  });

  it('has neither the AWS SDK nor the upload engine nor the bundler plugin in node_modules', () => {
    expect(app.installed).toEqual(expect.arrayContaining(['@skewless/core', '@skewless/origin']));
    expect(
      app.installed.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/')),
    ).toEqual([]);
    expect(app.installed).not.toContain('@skewless/uploader');
    expect(app.installed).not.toContain('@skewless/vite');
  });

  it('serves the build with the headers its manifest assigns', async () => {
    const asset = await fetch(`${origin}/assets/index-1a2b3c4d.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log("v1");\n');
    const page = await fetch(`${origin}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const gone = await fetch(`${origin}/assets/index-9f9f9f9f.js`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-store');
  });
});
