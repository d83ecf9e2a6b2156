import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PackOptions, PackResult } from '@skewless/core';
import {
  assertOptions,
  MANIFEST_PATH,
  readManifest,
  SkewlessError,
  silentLogger,
  symlinksIn,
  walkFiles,
} from '@skewless/core';
import { create } from 'tar';
import { checkBuild } from '../upload/check-build.js';

/**
 * Write a build directory, its `.skewless/manifest.json` included, as a tar (the container flow: run in
 * the image, uploaded outside it by `skewless upload -`). The build is checked the way an upload checks
 * it (no links; every manifest entry present with its bytes) before a byte is written, so a broken build
 * fails where it was made. The tar is reproducible: sorted entries, no owners, one fixed time.
 */
export async function pack(options: PackOptions): Promise<PackResult> {
  assertOptions(options, { command: 'pack' });
  const logger = options.logger ?? silentLogger;
  const dir = resolve(options.dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the build directory ${dir} does not exist. Build first, or pass the right directory.`,
    );
  const links = await symlinksIn(dir);
  if (links.length > 0)
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${dir} holds ${links.length} symbolic link(s): ${links.slice(0, 5).join(', ')}${links.length > 5 ? ', …' : ''}. Nothing was written. Replace each link with a copy of its file (or remove it), then pack again.`,
    );
  const manifest = await readManifest(dir);
  if (manifest) await checkBuild(dir, manifest, true);
  else
    logger.warn(
      `no ${MANIFEST_PATH} in ${dir}: the upload of this tar will class its files by name. Build with @skewless/vite to pack its manifest.`,
    );
  const files = await walkFiles(dir);
  if (files.length === 0)
    throw new SkewlessError('INVALID_OPTIONS', `${dir} holds no files. Build first, then pack.`);
  let bytes = 0;
  for (const f of files) bytes += (await stat(resolve(dir, f))).size;

  const tar = create({ cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
  const toFile = typeof options.out === 'string';
  const out: NodeJS.WritableStream =
    typeof options.out === 'string' ? createWriteStream(options.out) : options.out;
  await new Promise<void>((done, fail) => {
    tar.on('error', fail);
    out.on('error', fail);
    if (toFile) out.on('finish', done);
    else tar.on('end', done);
    // A stream such as stdout stays open for whoever writes after us.
    tar.pipe(out, { end: toFile });
  });
  return { files: files.length, bytes, release: manifest?.release };
}
