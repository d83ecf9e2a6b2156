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

  test('offers the failed import for one retry and returns what a retry set', () => {
    const helper = [
      'function handlePreloadError(err) {',
      "  const e = new Event('vite:preloadError', { cancelable: true });",
      '  e.payload = err;',
      '  window.dispatchEvent(e);',
      '  if (!e.defaultPrevented) throw err;',
      '}',
      'return baseModule().catch(handlePreloadError);',
    ].join('\n');
    const out = pendingOnPrevent(helper)!;
    expect(out).toContain('function handlePreloadError(err, retry) {');
    expect(out).toContain('if (retry) e.skewlessRetry = retry;');
    expect(out).toContain('return e.skewlessResult || new Promise(() => {});');
    expect(out).toContain('baseModule().catch((err) => handlePreloadError(err, baseModule))');
  });
});

describe.each(VITE_NAMES)('preload helper with %s', (vite) => {
  test('the built helper returns a never-settling promise when vite:preloadError was prevented', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir });
      const js = await builtJs(out.dir);
      expect(js).toContain('vite:preloadError');
      // Minified: `if(!e.defaultPrevented)throw t;return e.skewlessResult||new Promise(()=>{})` or the like.
      expect(js).toMatch(
        /\.defaultPrevented\)throw [\w$]+;return [\w$]+\.skewlessResult\|\|new Promise\(\(\)=>\{\}\)/,
      );
      expect(js).toMatch(/\.skewlessRetry=/);
    } finally {
      await out.cleanup();
    }
  });
});
