import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASE_PLACEHOLDER } from '@skewless/core';
import type { Plugin } from 'vite';
import { describe, expect, test } from 'vitest';
import { tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

/** The HTML `index.html` has in the bundle or on disk, in each hook of a plugin listed after skewless(). */
function htmlReader(outDir: string, seen: Map<string, string>) {
  const fromBundle = (bundle: Record<string, { source?: unknown }>) => {
    const source = bundle['index.html']?.source;
    return typeof source === 'string' ? source : Buffer.from(source as Uint8Array).toString('utf8');
  };
  return {
    name: 'test:html-reader',
    generateBundle: {
      order: 'post' as const,
      handler(_: unknown, bundle: Record<string, { source?: unknown }>) {
        seen.set('generateBundle', fromBundle(bundle));
      },
    },
    async writeBundle(_: unknown, bundle: Record<string, { source?: unknown }>) {
      seen.set('writeBundle (bundle)', fromBundle(bundle));
      seen.set('writeBundle (disk)', await readFile(join(outDir, 'index.html'), 'utf8'));
    },
    async closeBundle() {
      seen.set('closeBundle (disk)', await readFile(join(outDir, 'index.html'), 'utf8'));
    },
  };
}

/** The bundler's warnings, as `rollupOptions.onwarn` receives them in every Vite major. */
function warnings(): { warn: string[]; onwarn: (w: { message: string }) => void } {
  const warn: string[] = [];
  return { warn, onwarn: (w) => warn.push(w.message) };
}

/** A plugin emitting `extra.html` with the release placeholder into the first output only. */
function pageInFirstOutput(): Plugin {
  let outputs = 0;
  return {
    name: 'test:page-in-first-output',
    generateBundle() {
      if (outputs++ > 0) return;
      const html = `<!doctype html><html><head><meta name="skewless-release" content="${RELEASE_PLACEHOLDER}"></head></html>\n`;
      this.emitFile({ type: 'asset', fileName: 'extra.html', source: html });
    },
  };
}

// Rolldown (Vite 8) builds neither SystemJS nor CommonJS for an HTML app: a second ES output there.
const secondOutput = (vite: string) => ({
  format: vite === 'vite8' ? 'es' : 'system',
  entryFileNames: 'assets/[name]-legacy-[hash].js',
  chunkFileNames: 'assets/[name]-legacy-[hash].js',
});

describe.each(VITE_NAMES)('the release id in the HTML, %s', (vite) => {
  test("a later plugin's generateBundle, writeBundle and closeBundle read the HTML that ships", async () => {
    const out = await tempDir();
    try {
      const seen = new Map<string, string>();
      await viteBuild(vite, { outDir: out.dir, sourcemap: false, after: [htmlReader(out.dir, seen)] });
      const manifest = await readBuiltManifest(out.dir);
      const shipped = await readFile(join(out.dir, 'index.html'), 'utf8');
      expect(shipped).toContain(`<meta name="skewless-release" content="${manifest.release}">`);
      expect([...seen.keys()]).toEqual([
        'generateBundle',
        'writeBundle (bundle)',
        'writeBundle (disk)',
        'closeBundle (disk)',
      ]);
      for (const [hook, html] of seen) expect(html, hook).toBe(shipped);
      // The manifest describes the same bytes (it reads the file; nothing rewrote it after the bundle).
      const entry = manifest.files.find((f) => f.path === 'index.html')!;
      expect(entry.sha256).toBe(createHash('sha256').update(shipped).digest('hex'));
    } finally {
      await out.cleanup();
    }
  });

  test('with two outputs, the HTML on disk (the last output’s) carries the id the manifest has', async () => {
    const out = await tempDir();
    try {
      const { warn, onwarn } = warnings();
      await viteBuild(vite, {
        outDir: out.dir,
        rollupOptions: { output: [{}, secondOutput(vite)], onwarn },
      });
      const manifest = await readBuiltManifest(out.dir);
      const html = await readFile(join(out.dir, 'index.html'), 'utf8');
      expect(html).toContain(`<meta name="skewless-release" content="${manifest.release}">`);
      expect(warn.filter((w) => w.includes('[skewless]'))).toEqual([]);
    } finally {
      await out.cleanup();
    }
  });

  // On Vite 8 too, where Rolldown runs buildStart again for each output of the one build.
  test('a page only an earlier output holds keeps that output’s id, and the build says so', async () => {
    const out = await tempDir();
    try {
      const { warn, onwarn } = warnings();
      await viteBuild(vite, {
        outDir: out.dir,
        plugins: [pageInFirstOutput()],
        rollupOptions: { output: [{}, secondOutput(vite)], onwarn },
      });
      const manifest = await readBuiltManifest(out.dir);
      const extra = await readFile(join(out.dir, 'extra.html'), 'utf8');
      expect(extra).not.toContain(RELEASE_PLACEHOLDER);
      expect(extra).not.toContain(manifest.release);
      expect(warn.join('\n')).toMatch(
        /\[skewless\] extra\.html carry the release id of an earlier output, not release [a-f0-9]{16}.*Emit every HTML file in the build's last output\./,
      );
    } finally {
      await out.cleanup();
    }
  });
});
