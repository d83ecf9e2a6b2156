import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import skewless from '@skewless/vite';
import { build, type Plugin } from 'vite';

const FIXTURES = fileURLToPath(new URL('../../fixtures/frameworks/', import.meta.url));
const RUN = fileURLToPath(new URL('../../.run/frameworks/', import.meta.url));

export type App = 'react' | 'vue';

export interface AppBuild {
  dir: string;
  /** The release id @skewless/vite derived from the output (its skewless.json). */
  release: string;
  /** The lazy route's chunk, as the page requests it: `/assets/lazy-page-<hash>.js`. */
  lazyChunk: string;
}

/**
 * Builds a fixture folder with @skewless/vite into `outDir` (emptied first), with `label` as the page's
 * `__RELEASE__`; returns the release id the plugin derived (its skewless.json).
 */
export async function buildFixture(
  root: string,
  outDir: string,
  label: string,
): Promise<{ dir: string; release: string }> {
  await rm(outDir, { recursive: true, force: true });
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    define: {
      __RELEASE__: JSON.stringify(label),
      // Vue's esm-bundler build asks for its feature flags to be set.
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    plugins: [skewless() as Plugin],
    build: { outDir, emptyOutDir: true, minify: false },
  });
  const release = JSON.parse(await readFile(`${outDir}/skewless.json`, 'utf8')).release as string;
  return { dir: outDir, release };
}

/**
 * Builds a framework fixture with @skewless/vite (names, release meta, inline guard, skewless.json, the
 * pending preload helper that offers the failed import to `retryImports()`) into
 * e2e/.run/frameworks/<app>/<label>. `label` is shown on the page and changes the code, so two labels are
 * two releases with different chunk names.
 */
export async function buildApp(app: App, label: string): Promise<AppBuild> {
  const { dir: outDir, release } = await buildFixture(`${FIXTURES}${app}/`, `${RUN}${app}/${label}`, label);
  const html = await readFile(`${outDir}/index.html`, 'utf8');
  const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const entryCode = entry ? await readFile(`${outDir}${entry}`, 'utf8') : '';
  const lazyChunk = /["'`](?:\.\/|\/assets\/)?(lazy-(?:page|view)-[\w-]+\.js)/.exec(entryCode)?.[1];
  if (!lazyChunk) throw new Error(`e2e: no lazy chunk found in the ${app} build's entry (${entry})`);
  return { dir: outDir, release, lazyChunk: `/assets/${lazyChunk}` };
}
