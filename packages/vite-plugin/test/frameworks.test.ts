import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Manifest } from '@skewless/core';
import { cdnConfig, checkDeterminism, describeDeterminism } from '@skewless/uploader';
import { afterAll, describe, expect, test } from 'vitest';
import { detectFramework, unsupportedFramework } from '../src/frameworks/detect.js';
import { withTags } from '../src/frameworks/finish.js';
import { FIXTURES } from './helpers/builders.js';

const run = promisify(execFile);

interface BuildResult {
  code: number;
  output: string;
}

/** Build a fixture app with its framework's own command, as its users do. */
async function build(fixture: string, bin: string, env: Record<string, string> = {}): Promise<BuildResult> {
  const cwd = join(FIXTURES, fixture);
  return run(join(cwd, 'node_modules', '.bin', bin), ['build'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}\n${stderr}` }),
    (error: { code?: number; stdout: string; stderr: string }) => ({
      code: error.code ?? 1,
      output: `${error.stdout}\n${error.stderr}`,
    }),
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

// Each fixture is a real app of its framework, installed from npm, with skewless() in its Vite config
// (Astro: the skewlessAstro() integration), built by the framework's own command. The deployed folder is
// written by the framework after the client build the plugin sees (SvelteKit's adapter, React Router's
// SPA prerender, Astro's page generation after both its Vite builds).
const SUPPORTED = [
  {
    fixture: 'sveltekit',
    bin: 'vite',
    deployed: 'build',
    // The client build's own folder, which is not deployed and must get no manifest.
    clientOut: '.svelte-kit/output/client',
    pages: ['200.html', 'index.html', 'lazy.html'],
    immutable: /^_app\/immutable\//,
    documents: ['_app/version.json', 'skewless.json'],
    env: {} as Record<string, string>,
  },
  {
    fixture: 'react-router',
    bin: 'react-router',
    deployed: 'build/client',
    clientOut: undefined,
    pages: ['index.html'],
    immutable: /^assets\//,
    documents: ['skewless.json'],
    env: {} as Record<string, string>,
  },
  {
    fixture: 'astro',
    bin: 'astro',
    deployed: 'dist',
    clientOut: undefined,
    pages: ['index.html'],
    immutable: /^_astro\//,
    documents: ['skewless.json'],
    // Vitest sets NODE_ENV=test, under which Astro's Preact builds JSX in development form, with each
    // component's absolute source path in it; a user's `astro build` runs in production.
    env: { NODE_ENV: 'production' },
  },
];

describe.each(SUPPORTED)('$fixture with skewless()', (app) => {
  const cwd = join(FIXTURES, app.fixture);
  const deployed = join(cwd, app.deployed);

  test('one manifest over the deployed folder: every file in it, the HTML stamped and guarded', async () => {
    await rm(deployed, { recursive: true, force: true });
    const result = await build(app.fixture, app.bin, app.env);
    expect(result.code, result.output).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(deployed, '.skewless', 'manifest.json'), 'utf8'),
    ) as Manifest;

    // Exactly the files the framework deploys, with the bytes on disk. Vite's .vite/manifest.json is
    // there when the plugin describes the folder, private (never sent), and React Router deletes it later.
    const onDisk = (await filesUnder(deployed)).filter((p) => p !== '.skewless/manifest.json');
    const listed = manifest.files.filter((f) => f.path !== '.vite/manifest.json');
    expect(listed.map((f) => f.path).sort()).toEqual(onDisk);
    for (const file of listed)
      expect(sha256(await readFile(join(deployed, file.path))), file.path).toBe(file.sha256);
    expect(manifest.files.find((f) => f.path === '.vite/manifest.json')?.class ?? 'private').toBe('private');

    // No server code (Astro's temporary server modules: chunks/, pages/*.astro.mjs, renderers.mjs,
    // manifest_*.mjs; SvelteKit's client has its own _app/immutable/chunks/), no Vite build metadata.
    expect(onDisk.filter((p) => /(^|\/)(server|\.vite)\/|^chunks\/|\.mjs$/.test(p))).toEqual([]);

    const classOf = new Map(manifest.files.map((f) => [f.path, f.class]));
    for (const page of app.pages) {
      expect(classOf.get(page), page).toBe('document');
      const html = await readFile(join(deployed, page), 'utf8');
      expect(html).toContain(`<meta name="skewless-release" content="${manifest.release}">`);
      // The guard runs before any of the framework's own scripts.
      const guard = html.indexOf('<script>((');
      expect(guard, `${page} has the inline guard`).toBeGreaterThan(-1);
      expect(html.indexOf('<script'), `${page}: the guard is the first script`).toBe(guard);
      // The variant for framework pages: it also answers for the framework's inline loaders.
      expect(html, `${page} has the framework guard`).toContain('"unhandledrejection"');
      const refs = manifest.files.find((f) => f.path === page)?.references ?? [];
      expect(refs.length, `${page} references the framework's scripts`).toBeGreaterThan(0);
      for (const ref of refs) expect(classOf.get(ref), ref).toBe('immutable');
    }
    for (const doc of app.documents) expect(classOf.get(doc), doc).toBe('document');
    const hashed = onDisk.filter((p) => app.immutable.test(p));
    expect(hashed.length).toBeGreaterThan(3);
    for (const path of hashed) expect(classOf.get(path), path).toBe('immutable');
    const release = JSON.parse(await readFile(join(deployed, 'skewless.json'), 'utf8')) as {
      release: string;
    };
    expect(release.release).toBe(manifest.release);

    if (app.clientOut) expect(existsSync(join(cwd, app.clientOut, '.skewless', 'manifest.json'))).toBe(false);
  });

  test('upload with html: the deployed pages go live with the assets they reference', async () => {
    const target = await mkdtemp(join(tmpdir(), 'skewless-framework-'));
    temps.push(target);
    await rm(deployed, { recursive: true, force: true });
    const result = await build(app.fixture, app.bin, {
      ...app.env,
      SKEWLESS_FIXTURE_UPLOAD: `file://${target}`,
    });
    expect(result.code, result.output).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(deployed, '.skewless', 'manifest.json'), 'utf8'),
    ) as Manifest;
    const sent = (await filesUnder(target)).filter((p) => !p.startsWith('.skewless/'));
    const public_ = manifest.files.filter((f) => f.class !== 'private').map((f) => f.path);
    expect(sent.sort()).toEqual(public_.sort());
    for (const path of sent)
      expect(sha256(await readFile(join(target, path))), path).toBe(
        manifest.files.find((f) => f.path === path)!.sha256,
      );
    const current = JSON.parse(await readFile(join(target, '.skewless', 'current.json'), 'utf8')) as {
      release: string;
    };
    expect(current.release).toBe(manifest.release);
  });
});

describe('sveltekit', () => {
  test('a deployDir that is not the adapter\u2019s folder fails the build, naming the option', async () => {
    const target = await mkdtemp(join(tmpdir(), 'skewless-framework-'));
    temps.push(target);
    const result = await build('sveltekit', 'vite', {
      SKEWLESS_FIXTURE_DEPLOY_DIR: '.svelte-kit/output',
      SKEWLESS_FIXTURE_UPLOAD: `file://${target}`,
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/lacks \d+ of the client build's \d+ files/);
    expect(result.output).toContain("Set skewless({ deployDir: '<the folder your adapter writes>' })");
    expect(await filesUnder(target)).toEqual([]);
    expect(existsSync(join(FIXTURES, 'sveltekit', '.svelte-kit', 'output', '.skewless'))).toBe(false);
  });
});

describe('sites under a path', () => {
  /** The guard's two arguments in a page: where it asks for the release, which folder is the build's. */
  const guardArgs = (html: string) => /\}\)\("([^"]*)","([^"]*)"\)/.exec(html)?.slice(1);

  test('SvelteKit with paths.base and a renamed appDir: its base in the manifest and the guard, its immutable folder immutable, its version file a document, a CDN rule for that folder', async () => {
    const cwd = join(FIXTURES, 'sveltekit');
    await rm(join(cwd, 'build'), { recursive: true, force: true });
    const result = await build('sveltekit', 'vite', {
      SKEWLESS_FIXTURE_BASE: '/admin',
      SKEWLESS_FIXTURE_APP_DIR: 'app-internal',
    });
    expect(result.code, result.output).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(cwd, 'build', '.skewless', 'manifest.json'), 'utf8'),
    ) as Manifest;
    expect(manifest.base).toBe('/admin/');
    expect(manifest.assetsDir).toBe('app-internal/immutable');
    const inFolder = manifest.files.filter((f) => f.path.startsWith('app-internal/immutable/'));
    expect(inFolder.length).toBeGreaterThan(3);
    for (const f of inFolder) expect(f.class, f.path).toBe('immutable');
    expect(manifest.files.find((f) => f.path === 'app-internal/version.json')?.class).toBe('document');
    expect(manifest.files.some((f) => f.path.startsWith('_app/'))).toBe(false);
    for (const page of ['index.html', 'lazy.html', '200.html'])
      expect(guardArgs(await readFile(join(cwd, 'build', page), 'utf8')), page).toEqual([
        '/admin/skewless.json',
        '/admin/app-internal/immutable/',
      ]);
    // The CDN gives that folder the year, under the base, from the manifest alone.
    const nginx = cdnConfig('nginx', { manifest });
    expect(nginx).toMatch(
      /location ~ "[^"]*\|\^\/admin\/\(\?![^"]*\(\?:app-internal\/immutable\)\/\[\\s\\S\]" \{/,
    );
  });

  test('SvelteKit with paths.assets (another origin): the guard answers for that origin, the pages reference their files there', async () => {
    const cwd = join(FIXTURES, 'sveltekit');
    await rm(join(cwd, 'build'), { recursive: true, force: true });
    const result = await build('sveltekit', 'vite', { SKEWLESS_FIXTURE_ASSETS: 'https://cdn.example.com' });
    expect(result.code, result.output).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(cwd, 'build', '.skewless', 'manifest.json'), 'utf8'),
    ) as Manifest;
    const html = await readFile(join(cwd, 'build', 'index.html'), 'utf8');
    expect(html).toContain('href="https://cdn.example.com/_app/immutable/entry/start.');
    expect(guardArgs(html)).toEqual(['/skewless.json', 'https://cdn.example.com/_app/immutable/']);
    const refs = manifest.files.find((f) => f.path === 'index.html')?.references ?? [];
    expect(refs.some((r) => r.startsWith('_app/immutable/entry/start.'))).toBe(true);
  });

  test('Astro with base (no trailing slash): the guard asks under it, the island scripts count as the page references', async () => {
    const cwd = join(FIXTURES, 'astro');
    await rm(join(cwd, 'dist'), { recursive: true, force: true });
    const result = await build('astro', 'astro', { NODE_ENV: 'production', SKEWLESS_FIXTURE_BASE: '/docs' });
    expect(result.code, result.output).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(cwd, 'dist', '.skewless', 'manifest.json'), 'utf8'),
    ) as Manifest;
    expect(manifest.base).toBe('/docs/');
    const html = await readFile(join(cwd, 'dist', 'index.html'), 'utf8');
    expect(html).toContain('component-url="/docs/_astro/');
    expect(guardArgs(html)).toEqual(['/docs/skewless.json', '/docs/_astro/']);
    const refs = manifest.files.find((f) => f.path === 'index.html')?.references ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toMatch(/^_astro\//);
  });
});

describe('astro with server output (the Node adapter)', () => {
  test('describes and uploads dist/client only: the browser files, no server module; warns that pages rendered on request carry no guard', async () => {
    const cwd = join(FIXTURES, 'astro');
    const target = await mkdtemp(join(tmpdir(), 'skewless-framework-'));
    temps.push(target);
    await rm(join(cwd, 'dist'), { recursive: true, force: true });
    const result = await build('astro', 'astro', {
      NODE_ENV: 'production',
      SKEWLESS_FIXTURE_SERVER: '1',
      SKEWLESS_FIXTURE_UPLOAD: `file://${target}`,
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("[skewless] Astro: output 'server' renders pages on request");
    const client = join(cwd, 'dist', 'client');
    const manifest = JSON.parse(
      await readFile(join(client, '.skewless', 'manifest.json'), 'utf8'),
    ) as Manifest;
    const onDisk = (await filesUnder(client)).filter((p) => p !== '.skewless/manifest.json');
    expect(manifest.files.map((f) => f.path).sort()).toEqual(onDisk);
    expect(onDisk.filter((p) => p.startsWith('_astro/')).length).toBeGreaterThan(3);
    for (const f of manifest.files.filter((f) => f.path.startsWith('_astro/')))
      expect(f.class, f.path).toBe('immutable');
    // The server's own folder exists and is neither described nor sent.
    expect(existsSync(join(cwd, 'dist', 'server', 'entry.mjs'))).toBe(true);
    expect(existsSync(join(cwd, 'dist', '.skewless'))).toBe(false);
    const sent = (await filesUnder(target)).filter((p) => !p.startsWith('.skewless/'));
    expect(sent.sort()).toEqual(onDisk.sort());
    expect(sent.filter((p) => /\.mjs$|^server\//.test(p))).toEqual([]);
  });
});

describe('astro with the plain skewless() in its Vite config', () => {
  test('fails the build before anything is written, and names the integration to use instead', async () => {
    const cwd = join(FIXTURES, 'astro');
    await rm(join(cwd, 'dist'), { recursive: true, force: true });
    const result = await build('astro', 'astro', { SKEWLESS_FIXTURE_VITE_PLUGIN: '1' });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('cannot describe the build of Astro as a Vite plugin');
    expect(result.output).toContain("import { skewlessAstro } from '@skewless/vite/astro'");
    expect(result.output).toContain('integrations: [skewlessAstro(');
    expect(existsSync(join(cwd, 'dist', '.skewless', 'manifest.json'))).toBe(false);
  });
});

describe('detectFramework', () => {
  test('knows the frameworks by their Vite plugins, and leaves plain Vite apps alone', () => {
    expect(detectFramework([{ name: 'vite:vue' }, { name: 'skewless:build' }])).toBeUndefined();
    expect(unsupportedFramework([{ name: 'vite:react-babel' }])).toBeUndefined();
    expect(detectFramework([{ name: 'vite-plugin-sveltekit-compile' }])?.name).toBe('SvelteKit');
    expect(detectFramework([{ name: 'react-router' }])?.ownsNames).toBe(false);
    expect(unsupportedFramework([{ name: 'astro:build' }])?.name).toBe('Astro');
    expect(detectFramework([{ name: 'astro:build' }])).toBeUndefined();
  });
});

describe('withTags', () => {
  const tags = [{ tag: 'meta', attrs: { name: 'skewless-release', content: 'x&"y' } }];
  test('puts the tags first in <head>, after the charset declaration', () => {
    const html = '<html><head>\n<title>t</title>\n  <meta charset="utf-8" />\n</head><body></body></html>';
    expect(withTags(html, tags)).toBe(
      '<html><head><meta charset="utf-8"><meta name="skewless-release" content="x&amp;&quot;y">\n<title>t</title>\n</head><body></body></html>',
    );
  });
  test('leaves a page that already carries the release meta tag, or has no <head>, as it is', () => {
    const stamped = '<head><meta name="skewless-release" content="abc"></head>';
    expect(withTags(stamped, tags)).toBe(stamped);
    expect(withTags('<p>fragment</p>', tags)).toBe('<p>fragment</p>');
  });
});

describe('check-determinism on framework apps', () => {
  test("React Router with its own command: compares the deployed folder's files, identical", async () => {
    const report = await checkDeterminism({
      root: join(FIXTURES, 'react-router'),
      command: 'react-router build',
    });
    const compared = [...report.outside.kept, ...report.outside.changed];
    expect(compared).toContain('build/client/index.html');
    expect(compared).toContain('build/client/.skewless/manifest.json');
    expect(report.counts.same).toBeGreaterThan(5);
    expect(report.identical, describeDeterminism(report).join('\n')).toBe(true);
    expect(describeDeterminism(report)[0]).toMatch(/identical: \d+ files written by 'react-router build'/);
  });

  test("Astro with its own command: the assets are identical, the pages carry the project's path", async () => {
    // The child inherits Vitest's NODE_ENV=test, which builds Preact's JSX with absolute source paths;
    // a user's build runs in production.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let report: Awaited<ReturnType<typeof checkDeterminism>>;
    try {
      report = await checkDeterminism({ root: join(FIXTURES, 'astro'), command: 'astro build' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    const compared = [...report.outside.kept, ...report.outside.changed];
    expect(compared).toContain('dist/index.html');
    expect(compared).toContain('dist/.skewless/manifest.json');
    // Every file Astro names by content is the same in both copies of the project.
    const assets = compared.filter((p) => p.startsWith('dist/_astro/'));
    expect(assets.length).toBeGreaterThan(3);
    for (const path of assets) expect(report.outside.changed, path).not.toContain(path);
    expect(report.counts.same).toBeGreaterThan(0);
    // The check builds two copies in two folders, and Astro hashes each island's uid (in the page)
    // from the component's source path, so the pages, hence the release id, differ between folders.
    // Builds of one folder are identical (the release is the same for the same checkout path).
    expect(report.identical).toBe(false);
    expect(report.outside.changed.sort()).toEqual([
      'dist/.skewless/manifest.json',
      'dist/index.html',
      'dist/skewless.json',
    ]);
  });

  test("SvelteKit's default version, a timestamp, is caught in _app/version.json", async () => {
    process.env.SKEWLESS_FIXTURE_TIMESTAMP_VERSION = '1';
    try {
      const report = await checkDeterminism({ root: join(FIXTURES, 'sveltekit') });
      expect(report.identical).toBe(false);
      expect(report.outside.changed).toContain('build/_app/version.json');
      expect(report.regions.map((r) => r.path)).toContain('build/_app/version.json');
    } finally {
      delete process.env.SKEWLESS_FIXTURE_TIMESTAMP_VERSION;
    }
  });
});
