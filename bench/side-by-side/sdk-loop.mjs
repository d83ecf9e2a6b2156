// The baseline a team would write by hand: one listing of the prefix, then PutObject for every file
// whose name is not there yet, 16 at a time (names only: it never checks bytes, so it cannot notice a
// wrong object). Files over 64 MiB go through lib-storage's multipart Upload. Run as a child process,
// like the other tools, so Node's start-up is in every row.
// usage: node sdk-loop.mjs <dir> <endpoint> <bucket> <prefix>
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { PutObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import fg from 'fast-glob';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [dir, endpoint, bucket, prefix] = process.argv.slice(2);
const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const there = new Set();
for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${prefix}/` })) {
  for (const o of page.Contents ?? []) there.add(o.Key);
}
const files = (await fg('**/*', { cwd: dir, dot: true })).filter((f) => !there.has(`${prefix}/${f}`));
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const path = `${dir}/${file}`;
    const Key = `${prefix}/${file}`;
    const { size } = await stat(path);
    if (size > 64 * 1024 * 1024) {
      await new Upload({ client, params: { Bucket: bucket, Key, Body: createReadStream(path) } }).done();
    } else {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: await readFile(path) }));
    }
  }
}
await Promise.all(Array.from({ length: 16 }, worker));
console.log(JSON.stringify({ sent: files.length }));
