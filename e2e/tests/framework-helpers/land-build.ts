import { fileURLToPath } from 'node:url';
import { buildFixture } from './build.js';

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
export function buildLandApp(app: LandApp, label: string): Promise<LandBuild> {
  return buildFixture(`${FIXTURES}${app}/`, `${RUN}${app}/${label}`, label);
}
