import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { walkBuild } from './walk-build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The control publisher: a deploy script that copies index.html first and the rest after it (the
 * order that breaks pages between the two steps), one plain PUT per file to a local S3 server
 * (s3rver accepts unsigned requests).
 */
export async function publishHtmlFirst(endpoint: string, bucket: string, dir: string): Promise<number> {
  const files = (await walkBuild(dir)).filter((f) => !f.startsWith('.'));
  const ordered = [...files.filter((f) => f.endsWith('.html')), ...files.filter((f) => !f.endsWith('.html'))];
  for (const file of ordered) {
    const res = await fetch(`${endpoint}/${bucket}/${file}`, {
      method: 'PUT',
      body: await readFile(join(dir, file)),
      headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' },
    });
    if (!res.ok) throw new Error(`[skewless] PUT ${file} answered ${res.status}; is the local S3 server up?`);
  }
  return ordered.length;
}
