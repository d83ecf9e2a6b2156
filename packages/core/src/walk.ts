/**
 * Every file below `dir`, as sorted `/`-separated relative paths, dot files included.
 * Symbolic links are not followed out of the directory.
 */
export async function walkFiles(dir: string, ignore: readonly string[] = []): Promise<string[]> {
  // Loaded on the first walk, so what only reads manifests (the origin handler) never loads it.
  const { default: fg } = await import('fast-glob');
  const files = await fg('**/*', {
    cwd: dir,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: [...ignore],
  });
  return files.sort(compareBytes);
}

/** Every symbolic link below `dir` (to a file or a folder), as sorted relative paths, dot entries included. */
export async function symlinksIn(dir: string): Promise<string[]> {
  const { default: fg } = await import('fast-glob');
  const entries = await fg('**/*', {
    cwd: dir,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    objectMode: true,
  });
  return entries
    .filter((e) => e.dirent.isSymbolicLink())
    .map((e) => e.path)
    .sort(compareBytes);
}

/** Byte-order comparison: stable across locales, so manifests are identical on every machine. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
