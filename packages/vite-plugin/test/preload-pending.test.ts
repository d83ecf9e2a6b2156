import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { pendingOnPrevent } from '../src/preload-pending.js';
import { tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';

/** All built JavaScript of a build, concatenated. */
async function builtJs(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.js'));
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
}

describe('pendingOnPrevent', () => {
  test('Vite 5/6 (braces) and 7/8 (bare throw) shapes get a pending promise after the rethrow', () => {
    expect(pendingOnPrevent('if (!e.defaultPrevented) {\n      throw err;\n    }\n  }')).toMatch(
      /throw err;\n\s*\}\nreturn new Promise\(\(\) => \{\}\);/,
    );
    expect(pendingOnPrevent('if (!e$1.defaultPrevented) throw err$2;\n\t}')).toBe(
      'if (!e$1.defaultPrevented) throw err$2;\nreturn new Promise(() => {});\n\t}',
    );
    expect(pendingOnPrevent('function f() {}')).toBeUndefined();
  });
});

describe.each(VITE_NAMES)('preload helper with %s', (vite) => {
  test('the built helper returns a never-settling promise when vite:preloadError was prevented', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir });
      const js = await builtJs(out.dir);
      expect(js).toContain('vite:preloadError');
      // Minified: `if(!e.defaultPrevented)throw t;return new Promise(()=>{})` or the like.
      expect(js).toMatch(/\.defaultPrevented\)throw [\w$]+;return new Promise\(\(\)=>\{\}\)/);
    } finally {
      await out.cleanup();
    }
  });
});
