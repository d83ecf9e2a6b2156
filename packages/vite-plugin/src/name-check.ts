import type { HashFormat } from '@skewless/core';
import { isControlFile } from '@skewless/core';
import type { BundleEntry } from './bundle-facts.js';
import { noHashMessage, offShapeMessage } from './messages.js';
import { NAME_OPTION, type NameKind, nameOrigin, patternsOf, type SeenPatterns } from './names.js';

export interface NameCheckSettings {
  hash: HashFormat;
  /** Output paths the user keeps unhashed on purpose. */
  unhashed: readonly string[];
  /** The `-<hash>.` shape the generated CDN rules match as immutable. */
  cdnShape: RegExp;
  /** What the name functions returned in this build, per option (see {@link SeenPatterns}). */
  seen: SeenPatterns;
}

export interface NameCheckResult {
  /** The files named by a hashed pattern of their output. */
  hashed: Set<string>;
  /** Build errors: names from a pattern without `[hash]`, one message per option and pattern. */
  problems: string[];
  /** A warning for hashed names the CDN rules would not recognise, when there are any. */
  warning?: string;
}

// Files the classifier never caches by name need no hash: HTML and control files (a worker built as
// an entry named sw.js, a federation remoteEntry.js) are documents, dot folders (Vite's
// .vite/manifest.json) are private. Vite names index.html and its manifest explicitly, on purpose.
const NEEDS_NO_HASH = /(^|\/)\.|\.html?$/i;

/**
 * Decide for each bundle file whether its output's name patterns hashed it, and report the names that
 * break the rules. The same check for files the plugin sees in generateBundle and for those that reach
 * the bundle later (a later plugin's emitted asset, Rolldown's late emitted files), seen in writeBundle.
 */
export function checkNames(
  entries: readonly BundleEntry[],
  outputOptions: Record<string, unknown>,
  settings: NameCheckSettings,
): NameCheckResult {
  const { hash, unhashed, cdnShape, seen } = settings;
  const hashed = new Set<string>();
  const noHash = new Map<string, { option: string; pattern: string; files: string[] }>();
  const offShape: string[] = [];
  for (const entry of entries) {
    const kind: NameKind = entry.type === 'asset' ? 'asset' : entry.isEntry ? 'entry' : 'chunk';
    const option = NAME_OPTION[kind];
    const origin = nameOrigin(entry.fileName, patternsOf(outputOptions[option], seen.get(option)), hash);
    if (origin.kind === 'hashed') {
      hashed.add(entry.fileName);
      if (!cdnShape.test(entry.fileName)) offShape.push(entry.fileName);
    } else if (
      origin.kind === 'no-hash-pattern' &&
      !unhashed.includes(entry.fileName) &&
      !NEEDS_NO_HASH.test(entry.fileName) &&
      !isControlFile(entry.fileName, hash)
    ) {
      const key = `${option}\0${origin.pattern}`;
      const found = noHash.get(key) ?? { option, pattern: origin.pattern, files: [] };
      found.files.push(entry.fileName);
      noHash.set(key, found);
    }
  }
  const problems = [...noHash.values()].map(({ option, pattern, files }) =>
    noHashMessage(option, pattern, files, hash.length),
  );
  const result: NameCheckResult = { hashed, problems };
  if (offShape.length > 0) result.warning = offShapeMessage(offShape, hash.length);
  return result;
}
