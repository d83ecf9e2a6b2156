import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import skewless from '@skewless/vite';
import { build, type Plugin } from 'vite';

const FIXTURES = fileURLToPath(new URL('../../fixtures/land/', import.meta.url));
const RUN = fileURLToPath(new URL('../../.run/land/', import.meta.url));

export type LandApp = 'react' | 'vue' | 'vue2' | 'update';

export interface LandBuild {
  dir: string;
  /** The release id @skewless/vite derived from the output (its skewless.json). */
  release: string;
}

/**
 * Builds a fixture of e2e/fixtures/land/<app> with @skewless/vite into e2e/.run/land/<app>/<label>, as
 * buildApp() does the framework fixtures: vue and react, a router with a lazy `/logs` route and the
 * runtime's router adapter; update, the "new version available" signal. `label` is shown on the page and
 * changes the code, so two labels are two releases.
 */
export async function buildLandApp(app: LandApp, label: string): Promise<LandBuild> {
  const outDir = `${RUN}${app}/${label}`;
  await rm(outDir, { recursive: true, force: true });
  await build({
    root: `${FIXTURES}${app}/`,
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
