import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentTypeFor } from '@skewless/uploader';
import { walkBuild } from './walk-build.js';

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
      headers: { 'content-type': contentTypeFor(file) },
    });
    if (!res.ok) throw new Error(`[skewless] PUT ${file} answered ${res.status}; is the local S3 server up?`);
  }
  return ordered.length;
}
