import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { checkDeterminism, describeDeterminism } from '@skewless/uploader';
import { describe, expect, test } from 'vitest';
import { FIXTURES, tempDir, VITE_DIRS, VITE_NAMES } from './helpers/builders.js';

describe.each(VITE_NAMES)('checkDeterminism with %s', (name) => {
  const vite = VITE_DIRS[name]!;

  test('catches a plugin that writes Date.now() into the entry', async () => {
    const report = await checkDeterminism({ root: join(FIXTURES, 'nondeterministic'), vite });
    expect(report.identical).toBe(false);
    // Hashed names turn unstable bytes into new names: the entry is in each build under another hash.
    expect(report.diff.onlyInA).toEqual([expect.stringMatching(/^assets\/index-.*\.js$/)]);
    expect(report.diff.changed.map((c) => c.path)).toEqual(['index.html']);
    const region = report.regions.find((r) => r.path.endsWith('.js'))!;
    expect(region.renamedTo).toBe(report.diff.onlyInB[0]);
    expect(region.a).toMatch(/built at \d+/);
    expect(region.a).not.toBe(region.b);
    expect(report.diff.release.a).not.toBe(report.diff.release.b);
    expect(describeDeterminism(report).join('\n')).toMatch(/different bytes: assets\/index-/);
  });

  test('catches the same plugin in a build with skewless(), pairing the entry by its hex name', async () => {
    const report = await checkDeterminism({
      root: join(FIXTURES, 'nondeterministic'),
      configFile: 'skewless.config.mjs',
      vite,
    });
    expect(report.identical).toBe(false);
    const entry = /^assets\/index-[a-f0-9]{8}\.js$/;
    expect(report.diff.onlyInA).toEqual([expect.stringMatching(entry)]);
    expect(report.diff.onlyInB).toEqual([expect.stringMatching(entry)]);
    // The HTML names the new entry, and the release file the new release.
    expect(report.diff.changed.map((c) => c.path)).toEqual(['index.html', 'skewless.json']);
    const region = report.regions.find((r) => r.path === report.diff.onlyInA[0])!;
    expect(region.renamedTo).toBe(report.diff.onlyInB[0]);
    expect(region.a).toMatch(/built at \d+/);
    expect(region.a).not.toBe(region.b);
    expect(report.diff.release.a).not.toBe(report.diff.release.b);
    expect(describeDeterminism(report).join('\n')).toMatch(
      /different bytes: assets\/index-[a-f0-9]{8}\.js → assets\/index-[a-f0-9]{8}\.js \(same name, other hash\)/,
    );
  });

  test('passes the app built with the skewless plugin from a config file', async () => {
    const report = await checkDeterminism({
      root: join(FIXTURES, 'app'),
      configFile: 'skewless.config.mjs',
      vite,
    });
    expect(report.diff.changed).toEqual([]);
    expect(report.identical).toBe(true);
    // The plugin ran: its release file and hex names are part of what was compared.
    expect(report.diff.kept).toContain('skewless.json');
    expect(report.diff.kept).toEqual(
      expect.arrayContaining([expect.stringMatching(/^assets\/lazy-[a-f0-9]{8}\.js$/)]),
    );
  });
});

test('builds without uploading, even when the config uploads', async () => {
  const bucket = await tempDir();
  process.env.SKEWLESS_TEST_BUCKET = bucket.dir;
  try {
    const report = await checkDeterminism({ root: join(FIXTURES, 'app'), configFile: 'upload.config.mjs' });
    expect(report.identical).toBe(true);
    expect(report.diff.kept).toContain('skewless.json');
    expect(await readdir(bucket.dir)).toEqual([]);
  } finally {
    delete process.env.SKEWLESS_TEST_BUCKET;
    await bucket.cleanup();
  }
});

test("without an injected Vite, the project's own vite is imported", async () => {
  const report = await checkDeterminism({ root: join(FIXTURES, 'nondeterministic') });
  expect(report.identical).toBe(false);
});

describe('checkDeterminism on a build that writes elsewhere', () => {
  test('fails loudly instead of reporting two empty folders as identical', async () => {
    // A "Vite" whose build writes nothing anywhere.
    const vite = await tempDir('skewless-fake-vite-');
    try {
      await writeFile(
        join(vite.dir, 'package.json'),
        '{"name":"vite","type":"module","exports":"./index.js"}\n',
      );
      await writeFile(join(vite.dir, 'index.js'), 'export async function build() {}\n');
      await expect(checkDeterminism({ root: join(FIXTURES, 'app'), vite: vite.dir })).rejects.toThrow(
        /the builds wrote no file, neither into the folder check-determinism gave them \(build\.outDir\) nor anywhere in the copy/,
      );
    } finally {
      await vite.cleanup();
    }
  });
});

/** SHA-256 of every file below `dir` (node_modules left out), by path: what a build must not change. */
async function hashTree(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter(
    (e) => e.isFile() && !relative(dir, e.parentPath).split(sep).includes('node_modules'),
  );
  const hashes: Record<string, string> = {};
  for (const e of files) {
    const path = join(e.parentPath, e.name);
    hashes[relative(dir, path)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return hashes;
}

describe.each(VITE_NAMES)('a vite-plugin-pwa worker written into public/, %s', (name) => {
  const root = join(FIXTURES, 'pwa-public');

  for (const config of ['generate-sw.config.mjs', 'inject-manifest.config.mjs']) {
    test(`${config}: the project is left as it was, and the worker is compared as written outside outDir`, async () => {
      const before = await hashTree(root);
      const report = await checkDeterminism({ root, configFile: config, vite: VITE_DIRS[name] });
      expect(await hashTree(root)).toEqual(before);
      expect(report.identical).toBe(true);
      expect(report.outside.kept).toContain('public/sw.js');
      // The outDir holds the earlier worker Vite copied from public/; the new one is in public/ only.
      expect(report.diff.kept).toContain('sw.js');
      const { counts } = report;
      expect(counts.files).toBe(counts.inOutDir + counts.outside);
      expect(counts.outside).toBe(report.outside.kept.length);
      expect(counts.same).toBe(counts.files);
      expect(report.uncompared).toEqual({ a: [], b: [] });
      const lines = describeDeterminism(report);
      expect(lines[0]).toBe(
        `the two builds are identical: ${counts.files} files (${counts.inOutDir} in outDir, ${counts.outside} written outside it), release ${report.diff.release.a}.`,
      );
      expect(lines).toContain('  written outside outDir: public/sw.js');
    });
  }
});

test('a plugin writing the time into a file outside outDir, found from the working directory, is caught', async () => {
  const root = join(FIXTURES, 'writes-outside');
  const before = await hashTree(root);
  const report = await checkDeterminism({ root, vite: VITE_DIRS[VITE_NAMES[0]!] });
  expect(await hashTree(root)).toEqual(before);
  // The outDir files are the same; the build info is not.
  expect(report.diff.identical).toBe(true);
  expect(report.identical).toBe(false);
  expect(report.outside.changed).toEqual(['build-info.json']);
  const region = report.regions.find((r) => r.path === 'build-info.json')!;
  expect(region.outside).toBe(true);
  expect(region.a).toMatch(/"builtAt":\d+/);
  expect(region.a).not.toBe(region.b);
  expect(report.counts).toMatchObject({ outside: 1, different: 1, uncompared: 0 });
  expect(report.counts.same + report.counts.different).toBe(report.counts.files);
  expect(describeDeterminism(report).join('\n')).toMatch(
    /different bytes \(written outside outDir\): build-info\.json \(from byte \d+\)/,
  );
});

describe.each(VITE_NAMES)('a project in a workspace that resolves through its ancestors, %s', (name) => {
  test('builds in the copy: tsconfig extends, postcss config and packages from the workspace root', async () => {
    const ws = await tempDir('skewless-ws-');
    try {
      const app = join(ws.dir, 'apps', 'web');
      await mkdir(join(app, 'src'), { recursive: true });
      await mkdir(join(ws.dir, 'packages', 'shared'), { recursive: true });
      await mkdir(join(ws.dir, 'node_modules', '@ws'), { recursive: true });
      const files: Record<string, string> = {
        'package.json': '{"name":"ws","private":true,"workspaces":["apps/*","packages/*"]}\n',
        // A missing extends target fails the build (esbuild reads it for every .ts file).
        'tsconfig.base.json': '{"compilerOptions":{"target":"ES2022","useDefineForClassFields":true}}\n',
        'postcss.config.cjs': `module.exports = { plugins: [{ postcssPlugin: 'ws-marker', Once(root) { root.append('.from-workspace-root { color: red }'); } }] };\n`,
        'packages/shared/package.json': '{"name":"@ws/shared","type":"module","exports":"./index.js"}\n',
        'packages/shared/index.js': "export const greeting = 'hello from the workspace';\n",
        'apps/web/package.json': '{"name":"web","private":true,"type":"module"}\n',
        'apps/web/tsconfig.json': '{"extends":"../../tsconfig.base.json","include":["src"]}\n',
        'apps/web/vite.config.ts': `import { defineConfig } from 'vite';\nexport default defineConfig({ build: { assetsInlineLimit: 0 } });\n`,
        'apps/web/index.html':
          '<!doctype html><html><head><script type="module" src="/src/main.ts"></script></head><body></body></html>\n',
        'apps/web/src/main.ts': `import { greeting } from '@ws/shared';\nimport './style.css';\nclass Box { value: string = greeting; }\ndocument.title = new Box().value;\n`,
        'apps/web/src/style.css': 'body { margin: 0 }\n',
      };
      for (const [path, text] of Object.entries(files)) await writeFile(join(ws.dir, path), text);
      // Hoisted to the workspace root, as npm, Yarn and pnpm's hoisting do; the app has no node_modules.
      await symlink(VITE_DIRS[name]!, join(ws.dir, 'node_modules', 'vite'), 'junction');
      await symlink('../../packages/shared', join(ws.dir, 'node_modules', '@ws', 'shared'), 'junction');
      const before = await hashTree(ws.dir);
      const report = await checkDeterminism({ root: app, keep: true });
      try {
        expect(await hashTree(ws.dir)).toEqual(before);
        expect(report.identical).toBe(true);
        const out = report.dirs[0];
        const built = await Promise.all(
          report.diff.kept.map(async (p) => [p, await readFile(join(out, p), 'utf8')] as const),
        );
        expect(built.find(([p]) => p.endsWith('.js'))![1]).toContain('hello from the workspace');
        expect(built.find(([p]) => p.endsWith('.css'))![1]).toMatch(/\.from-workspace-root\s*\{/);
        // The copy sits at the app's place in a mirrored workspace.
        expect(report.copies[0].split(sep).slice(-2)).toEqual(['apps', 'web']);
      } finally {
        // keep: true left the check's temp folder (out-a, out-b, copy-a, copy-b) for the test to read.
        const work = dirname(report.dirs[0]);
        expect(basename(work)).toMatch(/^skewless-determinism-/);
        await rm(work, { recursive: true, force: true });
      }
    } finally {
      await ws.cleanup();
    }
  });
});
