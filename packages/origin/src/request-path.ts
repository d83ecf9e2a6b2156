/**
 * The file path a request URL names, relative to the served directory, or undefined when the URL can
 * not name a file inside it. Decoding happens once, before the checks, so `%2e%2e`, `%2f` tricks and
 * `%00` are caught like their plain forms; backslashes are refused because some platforms treat them
 * as separators.
 */
export function requestPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const end = url.search(/[?#]/);
  const raw = end === -1 ? url : url.slice(0, end);
  if (!raw.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return undefined;
  const path = segments.join('/');
  return decoded.endsWith('/') && path !== '' ? `${path}/` : path;
}

/** Whether the last segment of a path has a file extension (`app.js`, not `settings`). */
export function hasExtension(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.lastIndexOf('.') > 0;
}

/** Dot files and folders (.env, .git, .skewless/) are never public; .well-known is the standard exception. */
export function isHidden(path: string): boolean {
  return path.split('/').some((s) => s.startsWith('.') && s !== '.well-known');
}
