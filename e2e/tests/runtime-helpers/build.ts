import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { guardSource, renderGuard } from '@skewless/runtime/guard';
import { build, type Plugin } from 'vite';
import { NONCE_PLACEHOLDER } from './server.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/runtime/', import.meta.url));
const RUN = fileURLToPath(new URL('../../.run/', import.meta.url));

/**
 * How the guard reaches the page: `inline` as renderGuard() writes it; `nonce` inline with
 * `nonce="<placeholder>"`, and Vite's html.cspNonce set to the same placeholder for every other tag (the
 * server puts a fresh nonce in its place per response); `external` as its own file, `<script src>`, as
 * @skewless/vite's external mode links it; `foreign` inline with the build's assets folder as @skewless/vite
 * renders it (`assetsUrl: '/assets/'`), in a page that also links a stylesheet and a script its backend
 * serves (`/custom.css`, `/custom.js`), not files of the build.
 */
export type GuardMode = 'inline' | 'nonce' | 'external' | 'foreign';

const GUARD_FILE = 'skewless-guard.js';

/**
 * What @skewless/vite does for the runtime, stand-alone so these specs test the runtime alone: the release
 * meta tag and the guard first in <head>, and `skewless.json` at the build root.
 */
function releasePlugin(release: string, guard: GuardMode): Plugin {
  const tag =
    guard === 'external'
      ? `<script src="/${GUARD_FILE}"></script>`
      : guard === 'foreign'
        ? `${renderGuard({ assetsUrl: '/assets/' })}<link rel="stylesheet" href="/custom.css"><script src="/custom.js"></script>`
        : renderGuard(guard === 'nonce' ? { nonce: NONCE_PLACEHOLDER } : {});
  return {
    name: 'runtime-fixture:release',
    transformIndexHtml: (html) =>
      html.replace('<head>', `<head><meta name="skewless-release" content="${release}">${tag}`),
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'skewless.json', source: JSON.stringify({ release }) });
      if (guard === 'external') this.emitFile({ type: 'asset', fileName: GUARD_FILE, source: guardSource });
    },
  };
}

/** Builds the fixture app as release `release` into e2e/.run/runtime-<spec>/<release>; returns the dir. */
export async function buildRelease(
  spec: string,
  release: string,
  guard: GuardMode = 'inline',
): Promise<string> {
  const outDir = `${RUN}runtime-${spec}/${release}`;
  await rm(outDir, { recursive: true, force: true });
  await build({
    root: FIXTURE,
    configFile: false,
    logLevel: 'silent',
    define: { __RELEASE__: JSON.stringify(release) },
    ...(guard === 'nonce' ? { html: { cspNonce: NONCE_PLACEHOLDER } } : {}),
    plugins: [releasePlugin(release, guard)],
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      rollupOptions: {
        input: { index: `${FIXTURE}index.html`, auto: `${FIXTURE}auto.html`, watch: `${FIXTURE}watch.html` },
        // A static import in a chunk of its own: the HTML links it with <link rel="modulepreload">.
        output: { manualChunks: (id) => (id.endsWith('/shared.ts') ? 'shared' : undefined) },
      },
    },
  });
  return outDir;
}
