import { buildAll, removeBuilds } from './harness/builds.js';

/**
 * Playwright global setup: build the playground once per run (v1 and v2 of each mode) into
 * e2e/.run/builds-<pid>/; every skew spec reads these builds (through the environment the workers
 * inherit) instead of building its own. Returns the teardown that removes them.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const builds = await buildAll();
  for (const [mode, error] of Object.entries(builds.errors)) {
    process.stderr.write(
      `[skewless] the playground "${mode}" build failed; specs that need it will fail:\n${error}\n`,
    );
  }
  return () => removeBuilds(builds);
}
