import type { ServerResponse } from 'node:http';
import { ERROR_CACHE_CONTROL } from '@skewless/core';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Range Not Satisfiable',
  500: 'Internal Server Error',
};

/**
 * A permanent redirect, revalidated like a document: a later release may replace the folder with a file.
 */
export function sendRedirect(res: ServerResponse, location: string, head: boolean): void {
  const body = `301 Moved Permanently: ${location}\n`;
  res.writeHead(301, {
    Location: location,
    'Cache-Control': 'no-cache',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(head ? undefined : body);
}

/**
 * The request's URL with a `/` after its path, the query kept: `/pages/admin?x=1` → `/pages/admin/?x=1`.
 * Leading slashes (and backslashes, which browsers read as slashes) collapse to one: `//docs/` in a
 * Location is the host `docs`, a redirect off the site.
 */
export function folderUrl(url: string): string {
  const own = url.replace(/^[/\\]+/, '/');
  const at = own.search(/[?#]/);
  return at < 0 ? `${own}/` : `${own.slice(0, at)}/${own.slice(at)}`;
}

/**
 * An error response. Always `no-store` and without Vary or cache tags: a CDN that kept a 404 for
 * an asset the next deploy is about to upload would break every page that references it.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${status} ${REASONS[status] ?? 'Error'}\n`;
  res.writeHead(status, {
    'Cache-Control': ERROR_CACHE_CONTROL,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(head ? undefined : body);
}
