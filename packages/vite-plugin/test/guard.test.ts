import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { captureLogger, tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

/** The `<head>` of the built index.html, up to the first module script. */
async function headOf(dir: string): Promise<string> {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  return html.slice(html.indexOf('<head>'), html.indexOf('<script type="module"'));
}

describe.each(VITE_NAMES)('head guard with %s', (vite) => {
  test('inline by default, first in <head>, with the nonce and the base-pinned release URL', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir, base: '/admin/', skewless: { guard: { nonce: 'n0nce' } } });
      const head = await headOf(out.dir);
      const release = (await readBuiltManifest(out.dir)).release;
      // The page's charset declaration stays first; then the release meta and the guard, before any
      // other script or stylesheet.
      expect(head).toMatch(
        new RegExp(
          `^<head>\\s*<meta charset="utf-8">\\s*<meta name="skewless-release" content="${release}">\\s*<script nonce="n0nce">`,
        ),
      );
      expect(head).toContain('"/admin/skewless.json"');
      // Only the build's own folder counts, so a backend's /admin/custom.css failing never reloads.
      expect(head).toContain('"/admin/assets/"');
      expect(head.indexOf('<script nonce')).toBeLessThan(head.indexOf('<link'));
    } finally {
      await out.cleanup();
    }
  });

  test('<meta charset> stays within the first 1024 bytes, ahead of the ~900-byte inline guard', async () => {
    const out = await tempDir();
    try {
      const nonce = 'a-forty-character-csp-nonce-0123456789ab';
      await viteBuild(vite, {
        outDir: out.dir,
        base: '/a/longer/base/path/',
        skewless: { guard: { nonce } },
      });
      const bytes = await readFile(join(out.dir, 'index.html'));
      const charsetAt = bytes.indexOf('<meta charset="utf-8">');
      expect(charsetAt).toBeGreaterThan(0);
      expect(charsetAt + '<meta charset="utf-8">'.length).toBeLessThanOrEqual(1024);
      expect(charsetAt).toBeLessThan(bytes.indexOf(`<script nonce="${nonce}">`));
      // Moved, not duplicated.
      expect(bytes.toString().match(/<meta charset/g)).toHaveLength(1);
    } finally {
      await out.cleanup();
    }
  });

  test('external mode emits an immutable hashed guard file that index.html references', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir, skewless: { guard: { mode: 'external' } } });
      const manifest = await readBuiltManifest(out.dir);
      const guard = manifest.files.find((f) => f.path.startsWith('assets/skewless-guard-'));
      expect(guard?.path).toMatch(/^assets\/skewless-guard-[a-f0-9]{8}\.js$/);
      expect(guard?.class).toBe('immutable');
      expect(manifest.files.find((f) => f.path === 'index.html')?.references).toContain(guard!.path);
      const head = await headOf(out.dir);
      expect(head).toContain(`<script src="/${guard!.path}"></script>`);
      expect(head).not.toMatch(/<script>/);
      expect(await readFile(join(out.dir, guard!.path), 'utf8')).toContain('skewless');
    } finally {
      await out.cleanup();
    }
  });

  test("Vite's html.cspNonce is the guard's nonce, inline and external, when guard.nonce is unset", async () => {
    for (const mode of ['inline', 'external'] as const) {
      const out = await tempDir();
      try {
        const { logger, warn: warnings } = captureLogger();
        await viteBuild(vite, {
          outDir: out.dir,
          html: { cspNonce: 'NONCE_PLACEHOLDER' },
          skewless: { guard: { mode } },
          logger,
        });
        const head = await headOf(out.dir);
        const guardTag = /<script(?! type="module")[^>]*>/.exec(head)?.[0] ?? '';
        expect(guardTag, mode).toContain('nonce="NONCE_PLACEHOLDER"');
        if (mode === 'external') expect(guardTag).toContain('skewless-guard-');
        expect(warnings.filter((w) => w.includes('[skewless]'))).toEqual([]);
      } finally {
        await out.cleanup();
      }
    }
  });

  test('a guard.nonce that differs from html.cspNonce is warned about, naming the fix', async () => {
    const out = await tempDir();
    try {
      const { logger, warn: warnings } = captureLogger();
      await viteBuild(vite, {
        outDir: out.dir,
        html: { cspNonce: 'NONCE_PLACEHOLDER' },
        skewless: { guard: { nonce: 'fixed-at-build' } },
        logger,
      });
      expect(warnings.filter((w) => w.includes('[skewless]'))).toEqual([
        expect.stringMatching(/guard\.nonce 'fixed-at-build' differs from .*cspNonce.*Remove guard\.nonce/),
      ]);
      // Vite leaves a tag that has a nonce alone: the guard keeps the one that does not match.
      expect(await headOf(out.dir)).toContain('<script nonce="fixed-at-build">');
    } finally {
      await out.cleanup();
    }
  });

  test('guard: false leaves only the release meta tag', async () => {
    const out = await tempDir();
    try {
      await viteBuild(vite, { outDir: out.dir, skewless: { guard: false } });
      const head = await headOf(out.dir);
      expect(head).toContain('<meta name="skewless-release"');
      expect(head).not.toContain('<script');
    } finally {
      await out.cleanup();
    }
  });
});
