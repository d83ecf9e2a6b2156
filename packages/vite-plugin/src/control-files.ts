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
