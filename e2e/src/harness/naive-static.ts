import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { contentTypeFor } from '@skewless/uploader';

/** How the naive server gets its headers wrong; each scenario picks the mistake it studies. */
export interface NaiveStaticOptions {
  /**
   * Cache-Control on every response under `/assets/`, errors included: the blanket rule of many
   * static setups ("assets are cached for a year"), which makes a 404 as durable as a file.
   * @default undefined (no Cache-Control on assets)
   */
  assetsCacheControl?: string;
}

/**
 * A typical hand-rolled static server, the control in the scenarios: serves files, ignores the query
 * string, answers extension-less paths with index.html (a client-side router's deep links) and
 * missing files with a 404.
 */
export function naiveStatic(dir: string, options: NaiveStaticOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://origin').pathname);
    const relative = normalize(pathname).replace(/^[/\\]+/, '');
    const assets = pathname.startsWith('/assets/');
    const headers: Record<string, string> = {};
    if (assets && options.assetsCacheControl) headers['cache-control'] = options.assetsCacheControl;
    const wanted = relative === '' || !extname(relative) ? 'index.html' : relative;
    const file = join(dir, wanted);
    if (!file.startsWith(dir + sep)) {
      res.writeHead(400).end();
      return;
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) throw new Error('not a file');
        headers['content-type'] = contentTypeFor(file);
        headers['content-length'] = String(info.size);
        res.writeHead(200, headers);
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      },
      () => {
        headers['content-type'] = 'text/plain; charset=utf-8';
        res.writeHead(404, headers).end('Not found\n');
      },
    );
  };
}
