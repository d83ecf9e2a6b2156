import { describe, expect, test } from 'vitest';
import type { SkewlessOptions } from '../src/types.js';
import { rollupBuild, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { filesOnDisk } from './helpers/manifest.js';

const ALPHABET = { hex: '[a-f0-9]', base64: '[A-Za-z0-9_-]' } as const;
// Files that keep their names by design: documents, the release file and copies of public/.
const STABLE = new Set(['index.html', 'skewless.json', 'robots.txt', 'sw.js', 'favicon.svg']);

const FORMATS: Required<Pick<SkewlessOptions, 'hashCharacters' | 'hashLength'>>[] = [
  { hashCharacters: 'hex', hashLength: 8 },
  { hashCharacters: 'hex', hashLength: 16 },
  { hashCharacters: 'base64', hashLength: 8 },
  { hashCharacters: 'base64', hashLength: 16 },
  // The longest hash both Rollup and Rolldown accept.
  { hashCharacters: 'hex', hashLength: 21 },
];

function expectHashedNames(files: string[], prefix: string, format: (typeof FORMATS)[number]) {
  const name = new RegExp(
    `^${prefix}[A-Za-z0-9_.]+?-${ALPHABET[format.hashCharacters]}{${format.hashLength}}\\.(js|css|png|txt)(\\.map)?$`,
  );
  const hashed = files.filter((f) => !STABLE.has(f));
  expect(hashed.length).toBeGreaterThanOrEqual(4);
  for (const file of hashed) expect(file, `${file} should be ${name}`).toMatch(name);
}

describe.each(VITE_NAMES)('names with %s', (vite) => {
  test.each(FORMATS)('$hashCharacters, length $hashLength', async (format) => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir, skewless: format });
      const files = (await filesOnDisk(out.dir)).filter((f) => !f.startsWith('.'));
      expectHashedNames(files, 'assets/', format);
      // The entry, the lazy chunk, both CSS files and the image are all there, hashed.
      for (const stem of ['index', 'lazy', 'logo'])
        expect(files.some((f) => f.startsWith(`assets/${stem}-`))).toBe(true);
    } finally {
      await out.cleanup();
    }
  });
});

describe('names with plain Rollup 4', () => {
  test.each(FORMATS)('$hashCharacters, length $hashLength', async (format) => {
    const out = await tempDir();
    try {
      await rollupBuild(out.dir, format);
      const files = await filesOnDisk(out.dir);
      expectHashedNames(files, '', format);
      expect(files.filter((f) => /^(main|lazy|data)-/.test(f) && !f.endsWith('.map'))).toHaveLength(3);
    } finally {
      await out.cleanup();
    }
  });

  test('the assetsDir option puts every file in a folder', async () => {
    const out = await tempDir();
    try {
      await rollupBuild(out.dir, { assetsDir: 'static' });
      const files = (await filesOnDisk(out.dir)).filter((f) => f !== 'skewless.json');
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(f).toMatch(/^static\//);
    } finally {
      await out.cleanup();
    }
  });
});
