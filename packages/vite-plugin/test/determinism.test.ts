import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
