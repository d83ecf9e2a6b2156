import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assetUrls } from './release-bytes.js';

/** What one early visitor fetched through the CDN while the pool was mixed. */
export interface EarlyVisit {
  /** HTML loads it took to get the new release's document. */
  documents: number;
  /** Each asset request in order: status, URL and the upstream nginx picked (`host:port`). */
  assets: Array<{ status: number; url: string; upstream: string | undefined }>;
  /** Asset bodies that arrived (URL → bytes). */
  bodies: Map<string, Buffer>;
}

/**
 * A visitor that requests strictly one thing at a time (unlike a browser), so nginx's round robin
 * over the mixed pool is reproducible: load `/` until it is `dir`'s document (the balancer alternates,
 * so at most one per origin), then fetch the document's assets in order. The first asset request
 * after a new-release document goes to the next origin, which still runs the old release.
 */
export async function earlyVisit(url: string, dir: string, origins: number): Promise<EarlyVisit> {
  const wanted = await readFile(join(dir, 'index.html'), 'utf8');
  let documents = 0;
  let html = '';
  while (html !== wanted) {
    if (documents++ > origins)
      throw new Error(`[skewless] no origin served the new release's index.html at ${url}`);
    html = await (await fetch(`${url}/`)).text();
  }
  const assets: EarlyVisit['assets'] = [];
  const bodies = new Map<string, Buffer>();
  for (const asset of assetUrls(html)) {
    const res = await fetch(url + asset);
    const body = Buffer.from(await res.arrayBuffer());
    assets.push({ status: res.status, url: asset, upstream: res.headers.get('x-upstream') ?? undefined });
    if (res.ok) bodies.set(asset, body);
  }
  return { documents, assets, bodies };
}
