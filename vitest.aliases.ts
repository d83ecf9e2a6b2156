import { fileURLToPath } from 'node:url';

/**
 * Workspace packages resolved to their sources in tests, so a test always runs against the code beside
 * it, never against whatever dist/ was last built (a stale build hides changes).
 */
export const sourceAliases = Object.fromEntries(
  ['core', 'origin', 'uploader'].map((name) => [
    `@skewless/${name}`,
    fileURLToPath(new URL(`packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);
