import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Manifest } from '@skewless/core';
import { RELEASE_FILE } from '@skewless/core';
import { describe, expect, test } from 'vitest';
import { skewless } from '../src/index.js';
import type { SkewlessOptions } from '../src/types.js';
import { captureLogger, tempDir, VITE_NAMES, VITES } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

// A multi-page app: pages in subfolders, each with its own entry and a shared chunk. Under a relative base
// Vite links each page's files relative to that page, so everything the plugin writes into a page must too.
const PAGES = ['index.html', 'about.html', 'pages/admin/index.html'];

const SOURCES: Record<string, string> = {
  'src/shared.js': 'export const shared = "shared";\n',
  'src/main.js': 'import { shared } from "./shared.js";\ndocument.title += shared;\n',
  'src/admin.js': 'import { shared } from "./shared.js";\ndocument.title += "admin " + shared;\n',
  'src/admin.css': 'body { color: teal; }\n',
  'public/robots.txt': 'User-agent: *\n',
};

function page(title: string, entry: string, css?: string): string {
  const link = css ? `<link rel="stylesheet" href="/src/${css}">` : '';
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title>${link}</head>\n<body><script type="module" src="/src/${entry}"></script></body></html>\n`;
}

/** Writes the app into `root`. */
async function writeApp(root: string): Promise<void> {
  const files = {
    ...SOURCES,
    'index.html': page('home', 'main.js'),
    'about.html': page('about', 'main.js'),
    'pages/admin/index.html': page('admin', 'admin.js', 'admin.css'),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

async function buildApp(
  vite: string,
  root: string,
  base: string,
  options: SkewlessOptions = {},
  logger?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: more Vite config, typed differently per major.
  more: Record<string, any> = {},
): Promise<string> {
  const outDir = join(root, 'dist');
  await VITES[vite]!.build({
    root,
    configFile: false,
    logLevel: 'silent',
    customLogger: logger,
    base,
    plugins: [skewless(options)],
    ...more,
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: Object.fromEntries(PAGES.map((p) => [p.replace(/\W/g, '_'), join(root, p)])) },
    },
  });
  return outDir;
}

/** Where a page is opened: the site at `/` for a relative base, at the base otherwise. */
function pageUrl(base: string, path: string): URL {
  const site = base.startsWith('/') ? base : '/';
  return new URL(`${site}${path}`, 'https://app.example');
}

/** The two arguments the inline guard was rendered with (release URL, assets URL); `void 0` is undefined. */
function inlineGuardArgs(html: string): { releaseUrl: string | undefined; assetsUrl: string } {
  const args = /\}\)\((void 0|"[^"]*"),("[^"]*")\);<\/script>/.exec(html);
  if (!args) throw new Error('no inline guard in the page');
  return {
    releaseUrl: args[1] === 'void 0' ? undefined : JSON.parse(args[1]!),
    assetsUrl: JSON.parse(args[2]!),
  };
}

/** A path of the build as the browser asks for it, for a build deployed at `base`. */
function builtUrl(base: string, path: string): string {
  return pageUrl(base, path).href;
}

describe.each(VITE_NAMES)('a multi-page app with %s', (vite) => {
  test.each(['./', '/app/'])(
    'base %s: every page is stamped, and its inline guard resolves to the build root',
    async (base) => {
      const app = await tempDir('skewless-shapes-mpa-');
      try {
        await writeApp(app.dir);
        const out = await buildApp(vite, app.dir, base);
        const manifest = await readBuiltManifest(out);
        for (const path of PAGES) {
          const html = await readFile(join(out, path), 'utf8');
          const at = pageUrl(base, path);
          expect(html, path).toContain(`<meta name="skewless-release" content="${manifest.release}">`);
          const { releaseUrl, assetsUrl } = inlineGuardArgs(html);
          // The runtime's default release URL is `skewless.json`, relative to the document.
          expect(new URL(releaseUrl ?? RELEASE_FILE, at).href, path).toBe(builtUrl(base, RELEASE_FILE));
          expect(new URL(assetsUrl, at).href, path).toBe(builtUrl(base, 'assets/'));
          // The page's own entry is under that folder, as the guard sees it.
          const entry = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
          expect(new URL(entry!, at).href.startsWith(new URL(assetsUrl, at).href), path).toBe(true);
          expectReferencesOnDisk(manifest, path);
        }
      } finally {
        await app.cleanup();
      }
    },
  );

  test.each(['./', '/app/'])(
    'base %s, external guard: each page links a guard file that exists, without a warning from Vite',
    async (base) => {
      const app = await tempDir('skewless-shapes-mpa-');
      try {
        await writeApp(app.dir);
        const { logger, warn } = captureLogger();
        const out = await buildApp(vite, app.dir, base, { guard: { mode: 'external' } }, logger);
        const manifest = await readBuiltManifest(out);
        const classes = new Map(manifest.files.map((f) => [f.path, f.class]));
        for (const path of PAGES) {
          const html = await readFile(join(out, path), 'utf8');
          const at = pageUrl(base, path);
          // First in <head> after the charset and the release meta, before any script or stylesheet.
          const src = new RegExp(
            `<meta charset="utf-8">\\s*<meta name="skewless-release" content="${manifest.release}"><script src="([^"]+)"></script>`,
          ).exec(html)?.[1];
          expect(src, path).toBeDefined();
          const file = new URL(src!, at).href.slice(builtUrl(base, '').length);
          expect(file, path).toMatch(/^assets\/skewless-guard-[a-f0-9]{8}\.js$/);
          expect(classes.get(file), path).toBe('immutable');
          expect(manifest.files.find((f) => f.path === path)?.references, path).toContain(file);
          // The guard file's own URLs resolve against this page, to the build root.
          const code = await readFile(join(out, file), 'utf8');
          const { releaseUrl, assetsUrl } = inlineGuardArgs(`${code}</script>`);
          expect(new URL(releaseUrl ?? RELEASE_FILE, at).href, path).toBe(builtUrl(base, RELEASE_FILE));
          expect(new URL(assetsUrl, at).href, path).toBe(builtUrl(base, 'assets/'));
          expectReferencesOnDisk(manifest, path);
        }
        expect(warn.filter((w) => /can't be bundled/.test(w))).toEqual([]);
      } finally {
        await app.cleanup();
      }
    },
  );
});

/** Every file a page references is a file of the build (the manifest lists what is on disk). */
function expectReferencesOnDisk(manifest: Manifest, path: string): void {
  const paths = new Set(manifest.files.map((f) => f.path));
  const refs = manifest.files.find((f) => f.path === path)?.references ?? [];
  expect(refs.length, path).toBeGreaterThan(0);
  for (const ref of refs) expect(paths.has(ref), `${path} → ${ref}`).toBe(true);
}

// `experimental.renderBuiltUrl` sending the pages' links to a CDN origin: the guard must count the files
// there as the build's (with the base's `/assets/` it took the page's own entry for a third party's script)
// and, in external mode, link its own file from there too (the HTML's origin may serve no assets at all).
const CDN = 'https://cdn.example/app/';
const toCdn = {
  experimental: {
    renderBuiltUrl: (file: string, { hostType }: { hostType: string }) =>
      hostType === 'html' ? `${CDN}${file}` : { relative: true },
  },
};

describe.each(VITE_NAMES)('renderBuiltUrl to a CDN origin with %s', (vite) => {
  test.each(['inline', 'external'] as const)(
    "%s guard: counts the files on the CDN as the build's",
    async (mode) => {
      const app = await tempDir('skewless-shapes-cdn-');
      try {
        await writeApp(app.dir);
        const out = await buildApp(vite, app.dir, '/', { guard: { mode } }, undefined, toCdn);
        const manifest = await readBuiltManifest(out);
        for (const path of PAGES) {
          const html = await readFile(join(out, path), 'utf8');
          const entry = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
          expect(entry, path).toMatch(new RegExp(`^${CDN}assets/`));
          let guard = html;
          if (mode === 'external') {
            const src = /<script src="([^"]+)"><\/script>/.exec(html)?.[1];
            expect(src, path).toMatch(new RegExp(`^${CDN}assets/skewless-guard-[a-f0-9]{8}\\.js$`));
            const file = src!.slice(CDN.length);
            expect(manifest.files.find((f) => f.path === file)?.class).toBe('immutable');
            guard = `${await readFile(join(out, file), 'utf8')}</script>`;
          }
          const { releaseUrl, assetsUrl } = inlineGuardArgs(guard);
          expect(assetsUrl, path).toBe(`${CDN}assets/`);
          // The release file stays on the page's origin, at the base: it is a document, never the CDN's.
          expect(releaseUrl, path).toBe(`/${RELEASE_FILE}`);
          // The links to the CDN count as the page's references, like links at the base.
          const refs = manifest.files.find((f) => f.path === path)?.references ?? [];
          expect(refs, path).toContain(entry!.slice(CDN.length));
          expectReferencesOnDisk(manifest, path);
        }
      } finally {
        await app.cleanup();
      }
    },
  );
});
