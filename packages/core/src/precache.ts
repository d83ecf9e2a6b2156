/**
 * The URLs a service worker precaches, as Workbox writes them: the array passed to `precacheAndRoute([…])`
 * (generateSW, and injectManifest's `self.__WB_MANIFEST` once injected) and the older
 * `self.__precacheManifest = […]` of a separate precache-manifest file. Only those arrays are read, so a
 * worker's other `url:` strings are not taken for precache entries. Returns the `url` values as written.
 */
export function precacheUrls(source: string): string[] {
  const urls: string[] = [];
  const starts =
    /precacheAndRoute\s*\(\s*\[|__precacheManifest\s*=\s*\[|__precacheManifest\s*\|\|\s*\[\s*\]\s*\)\s*\.concat\(\s*\[/g;
  for (const start of source.matchAll(starts)) {
    const body = arrayAt(source, (start.index ?? 0) + start[0].length);
    for (const m of body.matchAll(/["']?url["']?\s*:\s*(["'`])((?:\\.|(?!\1).)*)\1/g))
      urls.push(m[2]!.replace(/\\(.)/g, '$1'));
  }
  return urls;
}

/** The text of an array literal from just after its `[` to its matching `]`, strings skipped. */
function arrayAt(source: string, from: number): string {
  let depth = 1;
  let quote: string | undefined;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return source.slice(from, i);
  }
  return source.slice(from);
}

/**
 * The build path a precache URL names, or undefined when it is not a file of the build (another origin).
 * `worker` is the worker's own path (relative URLs resolve against it), `base` the build's public base.
 */
export function precachePath(url: string, worker: string, base: string): string | undefined {
  const root = 'https://build.invalid/';
  const basePath = /^\/|^https?:\/\//.test(base) ? new URL(base, root).pathname : '/';
  let resolved: URL;
  try {
    resolved = new URL(url, new URL(worker, new URL(basePath, root)));
  } catch {
    return undefined;
  }
  if (resolved.origin !== new URL(root).origin) return undefined;
  const path = decodeURIComponent(resolved.pathname);
  return path.startsWith(basePath) ? path.slice(basePath.length) : undefined;
}
