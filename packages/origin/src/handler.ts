import { existsSync } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_CACHE_CONTROL, decodesTo, ERROR_CACHE_CONTROL, SkewlessError } from '@skewless/core';
import { type Catalog, type CatalogEntry, catalogSource } from './catalog.js';
import { acceptedEncodings, type Encoding, SIBLING_SUFFIX } from './encoding.js';
import { etagFor, matchesIfNoneMatch } from './etag.js';
import { type ByteRange, parseRange } from './range.js';
import { hasExtension, isHidden, requestPath } from './request-path.js';
import { folderUrl, sendError, sendRedirect } from './respond.js';
import type { OriginOptions } from './types.js';

/** A node:http request handler that also works as Connect/Express middleware. */
export type OriginHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * Serve a build directory with the headers that keep a rolling deploy safe: hashed files cached for a
 * year, documents revalidated, errors never stored, nothing outside the directory. Without `next`,
 * what it does not serve is a 404 (405 for other methods); with `next` (Connect/Express) it passes on,
 * except a missing content-hashed name and a private file, which it answers itself with a `no-store`
 * 404: a catch-all route after it (an SPA's `index.html`) would otherwise answer for a chunk.
 */
export function createOriginHandler(options: OriginOptions): OriginHandler {
  if (!existsSync(options.dir)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the origin directory ${options.dir} does not exist. Build first, or pass the build output directory as 'dir'.`,
    );
  }
  const explicitBase = options.base === undefined ? undefined : normalBase(options.base);
  const catalog = catalogSource(options.dir, options.manifest, options.hash);
  const fallback = options.spaFallback === undefined ? 'index.html' : options.spaFallback;
  const precompressed = options.precompressed ?? true;
  // Per sibling file: whether it is a coding of its twin, for the sizes and times it was checked at.
  const verdicts = new Map<string, { key: string; ok: Promise<boolean> }>();

  return (req, res, next) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      if (next) return next();
      return sendError(res, 405, false, { Allow: 'GET, HEAD' });
    }
    route(req, res, head, next).catch((error: unknown) => {
      if (next && !res.headersSent) {
        // The framework's error page carries no Cache-Control: a CDN must not keep it either.
        res.setHeader('Cache-Control', ERROR_CACHE_CONTROL);
        return next(error);
      }
      sendError(res, 500, head);
    });
  };

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    head: boolean,
    next: ((error?: unknown) => void) | undefined,
  ): Promise<void> {
    const files = await catalog();
    const url = req.url ?? '/';
    let rest: string | undefined;
    if (explicitBase !== undefined) rest = underBase(url, explicitBase);
    else {
      // A build made with `base: '/admin/'` links its assets as /admin/assets/...: serve them without
      // the caller repeating the base. A URL outside it is still a path from the root, as with '/', so
      // a proxy or an Express mount that already stripped the prefix keeps working.
      const built = files.base?.startsWith('/') ? normalBase(files.base) : '/';
      rest = underBase(url, built) ?? underBase(url, '/');
    }
    if (rest === undefined) {
      if (next) return next();
      return sendError(res, 404, head);
    }
    const path = requestPath(`/${rest}`);
    if (path === undefined) return sendError(res, 400, head);
    await serve(req, res, files, path, head, next);
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    files: Catalog,
    path: string,
    head: boolean,
    next: ((error?: unknown) => void) | undefined,
  ): Promise<void> {
    if (isHidden(path)) {
      if (next) return next();
      return sendError(res, 404, head);
    }
    const wanted = path === '' || path.endsWith('/') ? `${path}index.html` : path;
    let entry = await files.lookup(wanted);
    // A page in a folder asked for without its slash (`/pages/admin`): the folder's URL, as static servers
    // answer. Not the SPA fallback: that is another page, and under a relative base its `./assets/` links
    // would resolve in the wrong folder.
    if (!entry && path !== '' && !path.endsWith('/')) {
      const index = await files.lookup(`${path}/index.html`);
      // Express's originalUrl still holds the mount path it strips from req.url.
      const asked = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      if (index && index.class !== 'private') return sendRedirect(res, folderUrl(asked), head);
    }
    if (!entry && fallback && isNavigation(req, path)) entry = await files.lookup(fallback);
    // Private files (source maps by default, bundler bookkeeping) exist but are not for the public.
    if (entry?.class === 'private') return sendError(res, 404, head);
    if (!entry) {
      // A hashed name that is not here is an asset of another release: answer for it, never hand it
      // to a catch-all route that would send index.html with a 200 (a broken chunk: HTML where a script was asked for).
      if (next && !files.hashed(wanted)) return next();
      return sendError(res, 404, head);
    }
    await sendFile(req, res, entry, files, head);
  }

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    entry: CatalogEntry,
    files: Catalog,
    head: boolean,
  ): Promise<void> {
    // Ranges are served from the identity bytes only: one representation to cut, one ETag to match.
    const ranged = req.headers.range !== undefined;
    const encoding =
      precompressed && !ranged
        ? await pickSibling(entry.file, req.headers['accept-encoding'], verdicts)
        : undefined;
    const etag = `${entry.weak ? 'W/' : ''}${etagFor(entry.digest, encoding)}`;
    const headers: Record<string, string> = {
      'Cache-Control': cacheControl(entry, files.releaseFile),
      // Only static files vary by coding; errors and redirects must not split a CDN's cache.
      Vary: 'Accept-Encoding',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      ...(files.release
        ? {
            'Surrogate-Key': `${files.release} skewless-${entry.class}`,
            'Cache-Tag': `${files.release},skewless-${entry.class}`,
          }
        : {}),
      ...options.headers,
    };
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const path = encoding ? entry.file + SIBLING_SUFFIX[encoding] : entry.file;
    const handle = await open(path, 'r');
    let range: ByteRange | undefined;
    try {
      const { size } = await handle.stat();
      const asked = rangeFor(req, size, etag, entry.weak);
      if (asked === 'unsatisfiable') {
        await handle.close();
        return sendError(res, 416, head, { 'Content-Range': `bytes */${size}` });
      }
      range = asked;
      headers['Content-Type'] = entry.contentType;
      headers['Accept-Ranges'] = 'bytes';
      headers['Content-Length'] = String(range ? range.end - range.start + 1 : size);
      if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
      if (encoding) headers['Content-Encoding'] = encoding;
      res.writeHead(range ? 206 : 200, headers);
    } catch (error) {
      await handle.close();
      throw error;
    }
    if (head) {
      await handle.close();
      res.end();
      return;
    }
    const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    stream.on('error', () => res.destroy());
    // A client that hangs up mid-body must not leave the file open.
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  function cacheControl(entry: CatalogEntry, releaseFile: string): string {
    // The runtime polls the release file to notice a deploy; any caching would hide it.
    if (entry.path === releaseFile) return 'no-cache';
    if (entry.class === 'document' && options.documentCacheControl) return options.documentCacheControl;
    return options.cacheControl?.[entry.class] ?? entry.cacheControl ?? DEFAULT_CACHE_CONTROL[entry.class];
  }
}

/** The range to send, honouring If-Range (a stale validator means the whole file; weak tags never match). */
function rangeFor(
  req: IncomingMessage,
  size: number,
  etag: string,
  weak: boolean,
): ByteRange | 'unsatisfiable' | undefined {
  if (req.method !== 'GET') return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && (weak || String(ifRange).trim() !== etag)) return undefined;
  return parseRange(req.headers.range, size);
}

/** A base path with one leading and one trailing slash (`admin` → `/admin/`, `/` → `/`). */
function normalBase(base: string): string {
  return `/${base.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
}

/** The part of a URL after the base path (`/admin/x?y` → `x?y`; `/admin` → ``), or undefined outside it. */
function underBase(url: string, base: string): string | undefined {
  if (url.startsWith(base)) return url.slice(base.length);
  const bare = base.slice(0, -1);
  if (url === bare || url.startsWith(`${bare}?`)) return url.slice(bare.length);
  return undefined;
}

/** A navigation is a browser asking for a page: GET/HEAD, Accept text/html, no file extension. */
function isNavigation(req: IncomingMessage, path: string): boolean {
  return (req.headers.accept ?? '').includes('text/html') && !hasExtension(path);
}

/**
 * The coding to serve `file` in, from a sibling `<file>.br` / `<file>.gz`. A sibling counts only when it
 * decodes to exactly the file's bytes (what `precompress()` writes): a same-named file the user ships on
 * purpose (`data.json.gz`, a download, next to `data.json`) is a file of its own, served by its own name
 * and never as a coding of its twin. The check reads both files once per version of the pair.
 */
async function pickSibling(
  file: string,
  header: string | string[] | undefined,
  verdicts: Map<string, { key: string; ok: Promise<boolean> }>,
): Promise<Encoding | undefined> {
  const encodings = acceptedEncodings(header);
  if (encodings.length === 0) return undefined;
  const source = await stat(file);
  for (const encoding of encodings) {
    const sibling = file + SIBLING_SUFFIX[encoding];
    // `file` is already a real path inside the directory; a sibling that is a link could lead anywhere.
    const real = await realpath(sibling).catch(() => undefined);
    if (real !== sibling) continue;
    const info = await stat(sibling).catch(() => undefined);
    // A sibling older than its file encodes other bytes (an earlier build's, the file rewritten in
    // place): serving it would hand out the old version under the new ETag.
    if (!info?.isFile() || info.mtimeMs < source.mtimeMs) continue;
    const key = `${info.size}:${info.mtimeMs}:${info.ino}:${source.size}:${source.mtimeMs}:${source.ino}`;
    let verdict = verdicts.get(sibling);
    if (verdict?.key !== key) {
      verdict = { key, ok: decodesTo(sibling, file) };
      verdicts.set(sibling, verdict);
    }
    if (await verdict.ok) return encoding;
  }
  return undefined;
}
