/** The parts of Vite's resolved build options that can rename a control file. */
interface BuildConfig {
  chunkImportMap?: unknown;
  rolldownOptions?: { experimental?: { chunkImportMap?: unknown } };
}

/**
 * Control files whose names come from the config, so the classifier cannot know them by name: the
 * chunk import map of Vite 8 (`build.chunkImportMap`) under Rolldown's own `fileName`. Its default name,
 * `importmap.json`, is a control file by name already (`isControlFile` in core).
 */
export function configuredControlFiles(build: BuildConfig | undefined): string[] {
  if (!build?.chunkImportMap) return [];
  const rolldown = build.rolldownOptions?.experimental?.chunkImportMap;
  const fileName =
    typeof rolldown === 'object' && rolldown ? (rolldown as { fileName?: unknown }).fileName : undefined;
  return typeof fileName === 'string' && fileName ? [fileName.replace(/^\.?\//, '')] : [];
}

/**
 * Vite's backend manifests under names of their own (`build.manifest: 'backend/manifest.json'`,
 * `build.ssrManifest: 'ssr-manifest.json'`, relative to outDir): written for the server that renders the
 * HTML, private like their default `.vite/` home, never uploaded nor served. They would otherwise be
 * public files, cached for minutes under a name every release rewrites, and would show the whole build's
 * layout to anyone.
 */
export function serverOnlyFiles(build: { manifest?: unknown; ssrManifest?: unknown } | undefined): string[] {
  return [build?.manifest, build?.ssrManifest]
    .filter((name): name is string => typeof name === 'string' && name !== '')
    .map((name) => name.replace(/^(\.?\/)+/, ''));
}
