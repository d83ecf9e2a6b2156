import type { HashFormat } from '@skewless/core';
import { SkewlessError } from '@skewless/core';
import { hashedSuggestion } from './messages.js';

/** Which output option names a bundle file. */
export type NameKind = 'entry' | 'chunk' | 'asset';

export const NAME_OPTION: Record<NameKind, 'entryFileNames' | 'chunkFileNames' | 'assetFileNames'> = {
  entry: 'entryFileNames',
  chunk: 'chunkFileNames',
  asset: 'assetFileNames',
};

// biome-ignore lint/suspicious/noExplicitAny: Rollup and Rolldown type the name functions differently.
type NameFn = (info: any) => string;
type NamePattern = string | NameFn;

const ALPHABET = { hex: '[a-f0-9]', base64: '[A-Za-z0-9_-]' } as const;
const HASH = /\[hash(?::\d+)?\]/g;

/** Every pattern a function-form name option returned, keyed by the wrapper we installed. */
export const functionResults = new WeakMap<NameFn, Set<string>>();

/** The name option a bundle file's kind is named by. */
export type NameOption = (typeof NAME_OPTION)[NameKind];

/**
 * Every pattern the name functions of one option returned in a build, across its outputs. Rolldown
 * (Vite 8) hands hooks its own timing wrapper around a name function, not the one we installed, so
 * the wrapper's own record cannot be found by identity there.
 */
export type SeenPatterns = Map<NameOption, Set<string>>;

/** Force `[hash:N]` on every `[hash]` of a pattern, so length and alphabet are the same everywhere. */
export function forceHashLength(pattern: string, hash: HashFormat): string {
  return pattern.replace(HASH, `[hash:${hash.length}]`);
}

/** The default pattern of a kind when the user (or Vite) set none, as in plain Rollup. */
export function defaultPattern(kind: NameKind, assetsDir: string, hash: HashFormat): string {
  const prefix = assetsDir ? `${assetsDir.replace(/\/+$/, '')}/` : '';
  return `${prefix}[name]-[hash:${hash.length}]${kind === 'asset' ? '[extname]' : '.js'}`;
}

/**
 * The `outputOptions` transform: hashed names in the configured length and alphabet for every entry,
 * chunk and asset. Works alike under Rollup 4, Vite 5–7 (Rollup) and Vite 8 (Rolldown), which all call
 * this hook with the options they are about to use.
 */
export function applyNames<T extends Record<string, unknown>>(
  options: T,
  settings: { hash: HashFormat; assetsDir: string; seen?: SeenPatterns },
): T {
  if (typeof options.file === 'string') {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `output.file '${options.file}' writes a fixed name that cannot carry a content hash. Use output.dir instead.`,
    );
  }
  const next: Record<string, unknown> = { ...options, hashCharacters: settings.hash.characters };
  for (const kind of Object.keys(NAME_OPTION) as NameKind[]) {
    const key = NAME_OPTION[kind];
    const value = options[key] as NamePattern | undefined;
    if (value === undefined) next[key] = defaultPattern(kind, settings.assetsDir, settings.hash);
    else if (typeof value === 'string') next[key] = forceHashLength(value, settings.hash);
    else if (typeof value === 'function') {
      const seen = new Set<string>();
      const shared = settings.seen;
      const wrapped: NameFn = (info) => {
        const pattern = forceHashLength(value(info), settings.hash);
        seen.add(pattern);
        if (shared) shared.set(key, (shared.get(key) ?? new Set()).add(pattern));
        return pattern;
      };
      functionResults.set(wrapped, seen);
      next[key] = wrapped;
    }
  }
  return next as T;
}

/**
 * The patterns an output used for one kind: the string, or what its function returned so far. When
 * the function is not the wrapper we installed (Rolldown's timing wrapper around it), what every name
 * function of that option returned in the build (`seen`), if any.
 */
export function patternsOf(value: unknown, seen?: Set<string>): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') {
    const own = functionResults.get(value as NameFn) ?? seen;
    return own && own.size > 0 ? [...own] : undefined;
  }
  return undefined;
}

/** How a bundle file got its name. */
export type NameOrigin =
  | { kind: 'hashed' }
  | { kind: 'no-hash-pattern'; pattern: string }
  /** Emitted with an explicit `fileName` (Vite's index.html, a plugin's fixed-name file). */
  | { kind: 'explicit' };

/** Decide how `fileName` was named, given the patterns its output used for its kind. */
export function nameOrigin(fileName: string, patterns: string[] | undefined, hash: HashFormat): NameOrigin {
  if (patterns === undefined) {
    // A name function we could not observe: fall back to looking for a hash of the forced shape.
    const re = new RegExp(`(^|[^A-Za-z0-9])${ALPHABET[hash.characters]}{${hash.length}}([^A-Za-z0-9]|$)`);
    return re.test(fileName.slice(fileName.lastIndexOf('/') + 1)) ? { kind: 'hashed' } : { kind: 'explicit' };
  }
  for (const p of patterns)
    if (p.match(HASH) && patternRegExp(p, hash).test(fileName)) return { kind: 'hashed' };
  for (const p of patterns)
    if (!p.match(HASH) && patternRegExp(p, hash).test(fileName))
      return { kind: 'no-hash-pattern', pattern: p };
  return { kind: 'explicit' };
}

const PLACEHOLDER = /\[(\w+)(?::\d+)?\]/g;

/** A pattern such as `assets/[name]-[hash:8].js` as a regular expression matching the names it yields. */
export function patternRegExp(pattern: string, hash: HashFormat): RegExp {
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(pattern.slice(last, m.index));
    source +=
      m[1] === 'hash'
        ? `${ALPHABET[hash.characters]}{${hash.length}}`
        : m[1] === 'extname'
          ? '(?:\\.[^/]*)?'
          : m[1] === 'name'
            ? '.+?'
            : '[^/]*?';
    last = m.index + m[0].length;
  }
  source += escapeRegExp(pattern.slice(last));
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The part of Vite's resolved config that holds a worker bundle's output options. */
export interface WorkerConfig {
  // biome-ignore lint/suspicious/noExplicitAny: Rollup and Rolldown output options.
  rollupOptions?: { output?: any };
}

/**
 * Vite bundles each worker (`new Worker(new URL('./w.js', import.meta.url))`, `?worker`, `?sharedworker`) in a
 * build of its own, with `worker.rollupOptions.output` and `worker.plugins`, never the app's plugins, so
 * `outputOptions` never sees it: its entry and chunks kept Vite's `[name]-[hash].js` in base64 and were
 * described as 'revalidate' files, not immutable. The same names as the app's, set on the resolved config
 * before any worker is bundled (Vite 8 keeps `rollupOptions` as an alias of `rolldownOptions`).
 */
export function applyWorkerNames(
  worker: WorkerConfig | undefined,
  settings: { hash: HashFormat; assetsDir: string; unhashed: readonly string[] },
): void {
  if (!worker) return;
  worker.rollupOptions ??= {};
  const options = worker.rollupOptions;
  const output = options.output ?? {};
  const outputs: Record<string, unknown>[] = Array.isArray(output) ? output : [output];
  // The app's names fail the build without [hash] (name-check.ts); a worker's would too, after it was built.
  const problems = outputs.flatMap((o) => workerNameProblems(o ?? {}, settings));
  if (problems.length > 0) throw new SkewlessError('INVALID_OPTIONS', problems.join('\n'));
  // Vite reads the first output only when several are given.
  options.output = Array.isArray(output)
    ? output.map((o) => applyNames(o ?? {}, settings))
    : applyNames(output, settings);
}

/**
 * A worker name pattern without `[hash]`: an open page of the last release would start this release's
 * worker under the same name (or a cache would keep the old one), and the two would not speak the same
 * messages. A fixed name the user keeps unhashed on purpose (listed in `unhashed`) is theirs to keep.
 */
function workerNameProblems(
  output: Record<string, unknown>,
  settings: { hash: HashFormat; unhashed: readonly string[] },
): string[] {
  return (Object.values(NAME_OPTION) as NameOption[]).flatMap((option) => {
    const pattern = output[option];
    if (typeof pattern !== 'string' || pattern.match(HASH) || settings.unhashed.includes(pattern)) return [];
    return [
      `[skewless] worker.rollupOptions.output.${option} '${pattern}' has no [hash], so the app's workers would keep the same name across releases: a page still open on the last release would start this release's worker, or a cache would serve it the old one. Use '${hashedSuggestion(pattern, settings.hash.length)}', or list a fixed name in the 'unhashed' option.`,
    ];
  });
}
