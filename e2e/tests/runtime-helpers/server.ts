import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** The Content-Type the test servers send for a file. */
export const contentTypeOf = (file: string) => TYPES[extname(file)] ?? 'application/octet-stream';

/** Stands for the CSP nonce in a built document; the server puts a fresh nonce in its place per response. */
export const NONCE_PLACEHOLDER = 'SKEWLESS_TEST_NONCE';

/**
 * A tiny origin for the runtime specs: it serves one release directory at a time and lets a test swap
 * the release, make paths 404 or hand out a stale document, mid-test.
 */
export interface ReleaseServer {
  url: string;
  /** Serve this build directory from now on (the old release's files are gone at once). */
  serve(dir: string): void;
  /** Answer 404 for paths matching these patterns (a deleted asset). */
  deny(...patterns: RegExp[]): void;
  /** The next document request gets this directory's index.html (a stale cached page). */
  staleDocumentOnce(dir: string): void;
  /**
   * Send this Content-Security-Policy with every document from now on; `{nonce}` in it becomes a fresh
   * nonce per response, the same one that replaces NONCE_PLACEHOLDER in the document (as a server template
   * does). `nonceInDocument: false` leaves the placeholder: the header's nonce then matches no tag.
   */
  csp(policy: string, options?: { nonceInDocument?: boolean }): void;
  /** The nonce of each document response, in order. */
  nonces: string[];
  /** Paths of the documents served, in order: a page load each. */
  documents: string[];
  /** `status path` of every request. */
  log: string[];
  close(): Promise<void>;
}

export async function startReleaseServer(dir: string): Promise<ReleaseServer> {
  let root = dir;
  let stale: string | undefined;
  let denied: RegExp[] = [];
  let policy: { template: string; nonceInDocument: boolean } | undefined;
  const nonces: string[] = [];
  const documents: string[] = [];
  const log: string[] = [];

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.on('finish', () => log.push(`${res.statusCode} ${path}`));
    const isDocument = !extname(path) || path.endsWith('.html');
    let base = root;
    if (isDocument && stale) {
      base = stale;
      stale = undefined;
    }
    // Paths without an extension are client-side routes: the SPA's index.html.
    const file = !extname(path) ? 'index.html' : normalize(path).replace(/^([/\\])+/, '');
    if (file.startsWith('..') || denied.some((re) => re.test(path))) {
      res.writeHead(404, { 'cache-control': 'no-store' }).end('not found');
      return;
    }
    try {
      let body: Buffer | string = await readFile(join(base, file));
      const headers: Record<string, string> = {
        'content-type': contentTypeOf(file),
        'cache-control': isDocument
          ? 'no-cache'
          : path.endsWith('skewless.json')
            ? 'no-store'
            : 'public, max-age=31536000, immutable',
        // The files may be loaded from another of the server's names, as from a CDN (crossorigin module
        // scripts need it).
        'access-control-allow-origin': '*',
      };
      if (isDocument) {
        documents.push(path);
        if (policy) {
          const nonce = randomBytes(16).toString('base64');
          nonces.push(nonce);
          headers['content-security-policy'] = policy.template.replaceAll('{nonce}', nonce);
          if (policy.nonceInDocument) body = body.toString('utf8').replaceAll(NONCE_PLACEHOLDER, nonce);
        }
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'cache-control': 'no-store' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    serve(next) {
      root = next;
    },
    deny(...patterns) {
      denied = patterns;
    },
    staleDocumentOnce(from) {
      stale = from;
    },
    csp(template, options = {}) {
      policy = { template, nonceInDocument: options.nonceInDocument ?? true };
    },
    nonces,
    documents,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
