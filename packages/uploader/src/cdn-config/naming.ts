import type { HashFormat } from '@skewless/core';
import { DEFAULT_HASH, hashFormatProblem, hashSegmentSource, ONE_YEAR, SkewlessError } from '@skewless/core';
import type { CdnConfigOptions } from './types.js';

/** What every generator needs, resolved once from the options and the manifest. */
export interface NamingRules {
  hash: HashFormat;
  /** The asset prefix as an absolute URL path with a trailing slash, e.g. `/assets/`. */
  prefix: string;
  /**
   * An anchored regular expression (PCRE and JavaScript syntax, with lookaheads: nginx, Fastly) for
   * the URL paths under the prefix that the classifier calls `immutable` by name: the classifier's hash
   * segment (`hashSegmentSource`), minus what it rejects (a hex hash without a digit, a base64 one
   * without both a lowercase letter and an uppercase letter or digit, or of letters only with fewer
   * than three uppercase ones, source maps, HTML, dot folders).
   */
  hashedPath: string;
  /**
   * The same set for engines without lookarounds (Cloudflare's Rust regex): `path` matches `matches`
   * and none of `excludes` (each searched anywhere in the path), and, for each of `excludesUnless`,
   * does not match `matches` or does match `unless`.
   */
  hashedParts: { matches: string; excludes: string[]; excludesUnless: { matches: string; unless: string }[] };
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
  const prefix = normalisePrefix(options.prefix ?? defaultPrefix(options));
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
  return { hash, prefix, ...hashedPathRules(prefix, hash), name, origin };
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
function hashedPathRules(prefix: string, hash: HashFormat) {
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

function defaultPrefix(options: CdnConfigOptions): string {
  const m = options.manifest;
  if (!m) return 'assets/';
  // A relative base ('./') is resolved by the browser against the page; only an absolute one fixes the URL path.
  const base = m.base.startsWith('/') ? m.base : '/';
  return `${base}${m.assetsDir}/`;
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (/[\s"'\\{};]/.test(trimmed)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `prefix '${prefix}' holds characters that cannot appear in a URL path rule. Pass the assets folder, e.g. --prefix assets/.`,
    );
  }
  return trimmed ? `/${trimmed}/` : '/';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
