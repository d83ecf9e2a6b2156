/** Where a target keeps the manifest of each uploaded release, relative to its prefix. */
export const RELEASES_DIR = '.skewless/releases';

/**
 * The path of a release's manifest in the target. Stored once the assets are verified and before any
 * document, so that a later prune can keep every file a kept (or live) release references.
 */
export function releaseManifestPath(release: string): string {
  return `${RELEASES_DIR}/${release}.json`;
}
