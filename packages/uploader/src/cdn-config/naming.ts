import { DEFAULT_HASH, ONE_YEAR } from '../constants.js';
import { SkewlessError } from '../errors.js';
import { hashSegmentSource } from '../hashed-name.js';
import type { HashFormat } from '../types.js';
import type { CdnConfigOptions } from './types.js';

/** What every generator needs, resolved once from the options and the manifest. */
export interface NamingRules {
  hash: HashFormat;
  /** The asset prefix as an absolute URL path with a trailing slash, e.g. `/assets/`. */
  prefix: string;
  /**
   * An anchored regular expression for the URL paths of content-hashed files under the prefix: the
   * classifier's own hash segment (`hashSegmentSource`), so the CDN caches for a year exactly what
   * the plugin names with a hash.
   */
  hashedPath: string;
  name: string;
  origin: URL;
}

/** Longest TTL, for hashed names only. */
export const HASHED_TTL = ONE_YEAR;

const HASH_CHARACTERS = new Set(['hex', 'base64']);

export function namingRules(options: CdnConfigOptions): NamingRules {
  const hash = options.hash ?? options.manifest?.hash ?? DEFAULT_HASH;
  if (
    !Number.isInteger(hash.length) ||
    hash.length < 4 ||
    hash.length > 64 ||
    !HASH_CHARACTERS.has(hash.characters)
  ) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `hash format ${JSON.stringify(hash)} is not valid: the length must be an integer from 4 to 64 and the characters 'hex' or 'base64'. Use the values of your @skewless/vite options.`,
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
  const hashedPath = `^${escapeRegExp(prefix)}(?:[^/]+/)*[^/]+${hashSegmentSource(hash)}[A-Za-z0-9.]+$`;
  return { hash, prefix, hashedPath, name, origin };
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
    'documents (HTML, skewless.json), or purge by the release tag the origin sends (Surrogate-Key / Cache-Tag).',
    'With an origin shield or tiered cache, purge the shield first and the edges after it; an edge purged',
    'first refills from the shield copy that is still old.',
  ];
}
