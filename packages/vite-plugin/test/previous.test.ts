import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '@skewless/core';
import { describe, expect, test } from 'vitest';
import { captureLogger, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

describe.each(VITE_NAMES)('previousManifest report with %s', (vite) => {
  test('counts kept, changed in place, new and gone names in one info line', async () => {
    const out = await tempDir();
    try {
      const dir = join(out.dir, 'dist');
      await viteBuild(vite, { outDir: dir });
      const built = await readBuiltManifest(dir);
      // A previous release in which index.html and robots.txt held other bytes, the lazy chunk did
      // not exist yet, and an old chunk has since gone.
      const lazy = built.files.find((f) => /^assets\/lazy-[a-f0-9]{8}\.js$/.test(f.path))!;
      const previous: Manifest = {
        ...built,
        release: 'previous0release',
        files: [
          ...built.files
            .filter((f) => f !== lazy)
            .map((f) =>
              f.path === 'index.html' || f.path === 'robots.txt' ? { ...f, sha256: '0'.repeat(64) } : f,
            ),
          { ...lazy, path: 'assets/old-0a1b2c3d.js' },
        ],
      };
      const where = join(out.dir, 'previous.json');
      await writeFile(where, JSON.stringify(previous));

      const log = captureLogger();
      await viteBuild(vite, { outDir: dir, skewless: { previousManifest: where }, logger: log.logger });
      const kept = built.files.length - 3;
      expect(log.info.filter((line) => line.includes('since release'))).toEqual([
        `[skewless] since release previous0release: ${kept} files kept their names and bytes, 2 kept their names with new bytes (documents and public files, which revalidate), 1 new names, 1 names gone.`,
      ]);
    } finally {
      await out.cleanup();
    }
  });
});
