import type { HashFormat } from '@skewless/core';
import {
  DEFAULT_HASH,
  FRAMEWORK_IMMUTABLE_FOLDERS,
  hashFormatProblem,
  hashSegmentSource,
  ONE_YEAR,
  SkewlessError,
} from '@skewless/core';
import type { CdnConfigOptions } from './types.js';

/**
 * A set of URL paths as an engine without lookarounds (Cloudflare's Rust regex) can test it: `path`
 * matches `matches` and none of `excludes` (each searched anywhere in the path), and, for each of
 * `excludesUnless`, does not match `matches` or does match `unless`.
 */
export interface PathParts {
  matches: string;
  excludes: string[];
  excludesUnless: { matches: string; unless: string }[];
}

/** What every generator needs, resolved once from the options and the manifest. */
export interface NamingRules {
  hash: HashFormat;
  /** The asset prefix as an absolute URL path with a trailing slash, e.g. `/assets/`. */
  prefix: string;
  /** The site's base as an absolute URL path with a trailing slash, e.g. `/` or `/admin/`. */
  base: string;
  /** The framework folders (`_app/immutable/`, `_astro/`) under `base` whose every file is immutable here. */
  frameworkFolders: string[];
  /**
   * An anchored regular expression (PCRE and JavaScript syntax, with lookaheads: nginx, Fastly) for
   * the URL paths the classifier calls `immutable` by name. Under the prefix: the classifier's hash
   * segment (`hashSegmentSource`), minus what it rejects (a hex hash without a digit, a base64 one
   * without both a lowercase letter and an uppercase letter or digit, or of letters only with fewer
   * than three uppercase ones, source maps, HTML, dot folders). Or, when `frameworkFolders` holds any,
   * every file in them but source maps, HTML and dot files.
   */
  hashedPath: string;
  /** The same set for engines without lookarounds: a path is in it when it is in one of these. */
  hashedParts: PathParts[];
  name: string;
  origin: URL;
}

/** Longest TTL, for hashed names only. */
export const HASHED_TTL = ONE_YEAR;

export function namingRules(options: CdnConfigOptions): NamingRules {
  const hash = options.hash ?? options.manifest?.hash ?? DEFAULT_HASH;
  const problem = hashFormatProblem(hash);
  if (problem) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `hash format ${JSON.stringify(hash)} is not valid: ${problem}. Use the values of your @skewless/vite options.`,
    );
  }
  const base = normalisePrefix(options.base ?? defaultBase(options), 'base');
  const prefix = normalisePrefix(options.prefix ?? defaultPrefix(options, base));
  let origin: URL;
  try {
    origin = new URL(options.origin ?? 'http://127.0.0.1:8080');
  } catch {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `origin '${options.origin}' is not a URL. Pass it as http://host:port or https://host.`,
    );
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `origin '${options.origin}' must be an http:// or https:// URL.`,
    );
  }
  const name = options.name ?? 'skewless';
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `name '${name}' may only hold letters, digits, '-' and '_' (it names cache zones and resources).`,
    );
  }
  const frameworkFolders = usedFrameworkFolders(options);
  const hashed = hashedPathRules(prefix, hash);
  const folders = frameworkFolders.length > 0 ? folderRules(base, frameworkFolders) : undefined;
  return {
    hash,
    prefix,
    base,
    frameworkFolders,
    hashedPath: folders ? `${hashed.hashedPath}|${folders.path}` : hashed.hashedPath,
    hashedParts: folders ? [hashed.hashedParts, folders.parts] : [hashed.hashedParts],
    name,
    origin,
  };
}

// The classifier's document test (classify.ts), spelled without a case flag for Cloudflare.
const HTML = '\\.[Hh][Tt][Mm][Ll]?$';

/**
 * Which framework folders get the year. The classifier calls every file there immutable only when it
 * classes by name (a bare directory: SvelteKit and Astro, which cannot run the plugin, so come without a
 * manifest); with the plugin's manifest the bundler decides, and a `public/_astro/` file is `revalidate`,
 * which a year at the edge (Cloudflare and Fastly override the origin) would keep stale. So a manifest
 * that lists files turns a folder on only when it lists an immutable file there and nothing the rule
 * would cover that is not immutable; without one both are on, matching what the upload by name sends.
 */
function usedFrameworkFolders(options: CdnConfigOptions): string[] {
  // SvelteKit with a renamed appDir: the plugin's manifest names its `<appDir>/immutable` folder.
  const named = options.manifest?.assetsDir;
  const candidates =
    named && /(^|\/)immutable$/.test(named) && !FRAMEWORK_IMMUTABLE_FOLDERS.includes(`${named}/`)
      ? [...FRAMEWORK_IMMUTABLE_FOLDERS, `${named}/`]
      : [...FRAMEWORK_IMMUTABLE_FOLDERS];
  if (options.frameworkFolders !== undefined) return options.frameworkFolders ? candidates : [];
  const files = options.manifest?.files;
  if (!files) return candidates;
  return candidates.filter((folder) => {
    const inside = files.filter((f) => f.path.startsWith(folder) && f.path.length > folder.length);
    // Private files (maps, dot files) and HTML are outside the rule; anything else there must be immutable.
    const covered = inside.filter((f) => f.class !== 'private' && !/\.html?$/i.test(f.path));
    return covered.length > 0 && covered.every((f) => f.class === 'immutable');
  });
}

/**
 * Every file in a framework folder at the root of the base (`inFrameworkImmutableFolder` on the path
 * relative to the base), minus what the classifier takes out before it looks at the folder: source
 * maps, HTML and dot files or folders (`.well-known` excepted). A dot segment is found after any run of
 * segments, empty ones included (`_astro//.env` is a dot file to the classifier). Names are not looked
 * at: `app.1cf46e3d.js` and `app-deadbeef.js` are both the framework's content-named files here.
 */
function folderRules(base: string, folders: string[]): { path: string; parts: PathParts } {
  const at = `^${escapeRegExp(base)}`;
  const inFolder = `(?:${folders.map((f) => escapeRegExp(f.slice(0, -1))).join('|')})/[\\s\\S]`;
  const dotSegment = '(?:[^/]*/)*\\.';
  return {
    path: `${at}(?![\\s\\S]*\\.map$)(?![\\s\\S]*${HTML})(?!${dotSegment}(?!well-known(?:/|$)))${inFolder}`,
    parts: {
      matches: `${at}${inFolder}`,
      excludes: ['\\.map$', HTML, `${at}${dotSegment}${notExactly('well-known')}(?:/|$)`],
      excludesUnless: [],
    },
  };
}

// What follows the hash in a name the classifier accepts (`isHashedName`): `.ext`, `.js.map`, `.css.br`.
const TAIL = '\\.[A-Za-z0-9.]+$';

/**
 * The hash classes the classifier rejects, each as a hash segment made only of them. The tail after
 * the hash cannot hold `-` or `_`, so a path holds at most one `-<n chars>.<tail>` at its end: a second
 * pattern of the same shape can only match the same characters, which makes "and not" exact.
 */
const REJECTED_HASHES: Record<HashFormat['characters'], string[]> = {
  // No digit: `-deadbeef.` or `-facade12`-like words are names, not hashes.
  hex: ['[a-f]'],
  // No lowercase letter, or no uppercase letter or digit: `-CONSTANT.`, `-my_name.`.
  base64: ['[A-Z0-9_-]', '[a-z_-]'],
};

/**
 * A rejected class that a character class cannot say: a base64 hash of letters only with fewer than
 * three uppercase letters (`-Settings.`, `-BarChart.`). `letters` is the hash made only of letters;
 * `threeUpper` is any run of letters after a `-` with three uppercase letters, which, on a path that
 * `letters` matches, can only be that same run (the run ends at the first dot and starts after the
 * last `-` or `_`). Rejected: `letters` and not `threeUpper`.
 */
function rejectedWords(
  hash: HashFormat,
): { letters: string; threeUpper: string; lookahead: string } | undefined {
  if (hash.characters !== 'base64') return undefined;
  return {
    letters: `-[A-Za-z]{${hash.length}}${TAIL}`,
    threeUpper: `-[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*${TAIL}`,
    lookahead: `-(?=[A-Za-z]{${hash.length}}\\.)[a-z]*(?:[A-Z][a-z]*){0,2}${TAIL}`,
  };
}

/**
 * A segment (after its leading dot) that is not exactly `word`, without lookarounds: a proper prefix of
 * `word`, a string that leaves it at some character, or `word` followed by more.
 */
function notExactly(word: string): string {
  const at = (i: number): string => {
    if (i === word.length) return '[^/]+';
    const c = escapeRegExp(word[i]!);
    return `(?:[^/${c === '-' ? '\\-' : c}][^/]*|${c}${at(i + 1)})?`;
  };
  return at(0);
}

/**
 * Everything `classify()` checks by name for a file under the prefix: the hash segment, and what it
 * rejects. The classifier's other inputs (a bundler saying a file is hashed, the plugin's `unhashed`
 * list, `publicSourceMaps`) are not in the URL; those files keep the origin's Cache-Control, which the
 * classifier set.
 */
function hashedPathRules(prefix: string, hash: HashFormat): { hashedPath: string; hashedParts: PathParts } {
  const at = `^${escapeRegExp(prefix)}`;
  const words = rejectedWords(hash);
  const rejected = [
    ...REJECTED_HASHES[hash.characters].map((c) => `-${c}{${hash.length}}${TAIL}`),
    ...(words ? [words.lookahead] : []),
    // Source maps are private (unless publicSourceMaps, not known here: the origin header decides).
    '\\.map$',
    // A hashed document is still a document.
    '\\.[Hh][Tt][Mm][Ll]?$',
  ];
  // Dot folders and files are private, .well-known excepted.
  const dotFolder = `(?:[^/]+/)*\\.`;
  const segment = `(?:[^/]+/)*[^/]+${hashSegmentSource(hash)}${TAIL.slice(2)}`;
  return {
    hashedParts: {
      matches: `${at}${segment}`,
      excludes: [
        ...rejected.filter((e) => e !== words?.lookahead),
        `${at}${dotFolder}${notExactly('well-known')}(?:/|$)`,
      ],
      excludesUnless: words ? [{ matches: words.letters, unless: words.threeUpper }] : [],
    },
    hashedPath: `${at}${rejected.map((e) => `(?![\\s\\S]*${e})`).join('')}(?!${dotFolder}(?!well-known(?:/|$)))${segment}`,
  };
}

function defaultBase(options: CdnConfigOptions): string {
  const m = options.manifest;
  // A relative base ('./') is resolved by the browser against the page; only an absolute one fixes the URL path.
  return m?.base.startsWith('/') ? m.base : '/';
}

function defaultPrefix(options: CdnConfigOptions, base: string): string {
  return `${base}${options.manifest?.assetsDir ?? 'assets'}/`;
}

function normalisePrefix(prefix: string, flag: 'prefix' | 'base' = 'prefix'): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (/[\s"'\\{};]/.test(trimmed)) {
    const example = flag === 'prefix' ? '--prefix assets/' : '--base /admin/';
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${flag} '${prefix}' holds characters that cannot appear in a URL path rule. Pass the ${flag === 'prefix' ? 'assets folder' : "site's URL path"}, e.g. ${example}.`,
    );
  }
  return trimmed ? `/${trimmed}/` : '/';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The comment line (without marker) saying which framework folders the hashed rule also covers, if any. */
export function folderNote(rules: NamingRules): string[] {
  if (rules.frameworkFolders.length === 0) return [];
  const folders = rules.frameworkFolders.map((f) => `${rules.base}${f}`).join(' and ');
  return [
    `It also covers every file in ${folders} but source maps, HTML and dot files (SvelteKit and Astro name them by content, as in app.1cf46e3d.js).`,
  ];
}

/**
 * The purge order note every provider's output carries, as comment lines (without comment markers).
 * Why: with an origin shield (a second cache tier) an edge purged before the shield refills from the
 * shield's stale copy.
 */
export function purgeNote(): string[] {
  return [
    'Purging: hashed names never need a purge (new bytes get a new name). After a deploy purge only the',
    'documents (HTML, skewless.json, service workers and the other control files), or purge by the release tag',
    'the origin sends (Surrogate-Key / Cache-Tag).',
    'With an origin shield or tiered cache, purge the shield first and the edges after it; an edge purged',
    'first refills from the shield copy that is still old.',
  ];
}
