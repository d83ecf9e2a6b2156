import type { HashFormat } from './types.js';

const ALPHABET = { hex: '[a-f0-9]', base64: '[A-Za-z0-9_-]' } as const;

/**
 * A regular-expression source that matches the hash part of a Skewless name, `-<hash>.` before the
 * extension, e.g. `-[a-f0-9]{8}\.`. Used by the classifier and by the CDN configuration generators,
 * so that what is cached for a year is exactly what the plugin names.
 */
export function hashSegmentSource(format: HashFormat): string {
  return `-${ALPHABET[format.characters]}{${format.length}}\\.`;
}

/**
 * Whether a file name carries a content hash in the given format: `name-<hash>.ext`.
 *
 * Used only where no bundler said which files it hashed (a bare directory, the container flow).
 * A false positive would cache changing bytes for a year, a false negative only costs a
 * revalidation, so the test leans to "no": hex hashes must contain a digit (`-deadbeef.js` and
 * `-facade12` differ); base64 ones a lowercase letter and an uppercase letter or a digit
 * (`-CONSTANT.`, `-my_name.` are names), and, when made of letters only, at least three uppercase
 * letters (`-Settings.`, `-BarChart.` are words in PascalCase). About 3 % of real base64url hashes
 * miss this and are revalidated. The CDN rules of `cdn-config` mirror this test exactly.
 */
export function isHashedName(path: string, format: HashFormat): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const match = new RegExp(`.(${hashSegmentSource(format)})[A-Za-z0-9.]+$`).exec(base);
  if (!match) return false;
  const hash = match[1]!.slice(1, -1);
  if (format.characters === 'hex') return /[0-9]/.test(hash);
  if (!/[a-z]/.test(hash) || !/[A-Z0-9]/.test(hash)) return false;
  return !/^[A-Za-z]+$/.test(hash) || (hash.match(/[A-Z]/g)?.length ?? 0) >= 3;
}

/** The hash shapes bundlers use when nobody configured one: Rollup 4 / Vite / Rolldown (base64url) and Rollup 2 / webpack (hex). */
export const BUNDLER_HASHES: readonly HashFormat[] = [
  { length: 8, characters: 'hex' },
  { length: 8, characters: 'base64' },
];

/**
 * The hash format of a build that carries no manifest, read from its names: the bundler default that
 * the most names carry (hex on a tie, the narrower test). Without any hashed name, hex.
 */
export function detectHashFormat(paths: readonly string[]): HashFormat {
  let best = BUNDLER_HASHES[0]!;
  let most = 0;
  for (const format of BUNDLER_HASHES) {
    const count = paths.filter((p) => isHashedName(p, format)).length;
    if (count > most) [best, most] = [format, count];
  }
  return best;
}

/** Rollup's and Vite's own default, for builds without a Skewless manifest: 8 base64url characters (hex fits too). */
const BUNDLER_DEFAULT_HASH: HashFormat = BUNDLER_HASHES[1]!;

/**
 * A path with its content hash replaced by `#`, so that two builds' versions of one file can be
 * paired: `assets/vendor-react-<hash>.js` → `assets/vendor-react-#.js`. Only the last `-<hash>`
 * segment before the extension is replaced, in the given format (the manifest's) or else the
 * bundlers' default, so the dash segments of the name itself stay apart. Undefined when the name
 * carries no hash in that format.
 */
export function withoutHash(path: string, format: HashFormat = BUNDLER_DEFAULT_HASH): string | undefined {
  const slash = path.lastIndexOf('/') + 1;
  const base = path.slice(slash);
  // Fixed length, ending where the extension starts: at most one place in a name can match.
  const match = new RegExp(`-${ALPHABET[format.characters]}{${format.length}}(?=\\.[A-Za-z0-9.]+$)`).exec(
    base,
  );
  if (!match) return undefined;
  return `${path.slice(0, slash)}${base.slice(0, match.index)}-#${base.slice(match.index + match[0].length)}`;
}
