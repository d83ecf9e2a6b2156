import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderGuard } from '@skewless/runtime/guard';
import { build, type Plugin } from 'vite';

const FIXTURE = fileURLToPath(new URL('../../fixtures/runtime/', import.meta.url));
const RUN = fileURLToPath(new URL('../../.run/', import.meta.url));

/**
 * What @skewless/vite does for the runtime, stand-alone so these specs test the runtime alone: the release
 * meta tag and the inline guard first in <head>, and `skewless.json` at the build root.
 */
function releasePlugin(release: string): Plugin {
  return {
    name: 'runtime-fixture:release',
    transformIndexHtml: (html) =>
      html.replace('<head>', `<head><meta name="skewless-release" content="${release}">${renderGuard()}`),
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'skewless.json', source: JSON.stringify({ release }) });
    },
  };
}

/** Builds the fixture app as release `release` into e2e/.run/runtime-<spec>/<release>; returns the dir. */
export async function buildRelease(spec: string, release: string): Promise<string> {
  const outDir = `${RUN}runtime-${spec}/${release}`;
  await rm(outDir, { recursive: true, force: true });
  await build({
    root: FIXTURE,
    configFile: false,
    logLevel: 'silent',
    define: { __RELEASE__: JSON.stringify(release) },
    plugins: [releasePlugin(release)],
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
