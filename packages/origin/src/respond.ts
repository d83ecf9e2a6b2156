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
