import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '@skewless/core';
import { SkewlessError } from '@skewless/core';
import { extractTar } from './extract.js';

/**
 * Run `work` on the build a tar holds, extracted into a private temporary folder that is removed
 * afterwards, whether `work` succeeds or not. `tar` is a file's path, or `-` for standard input.
 */
export async function withExtractedTar<T>(
  tar: string,
  strip: number | undefined,
  logger: Logger,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  let source: Readable;
  if (tar === '-') {
    if (process.stdin.isTTY)
      throw new SkewlessError(
        'INVALID_OPTIONS',
        "'-' reads a tar of the build on standard input, which is a terminal here: pipe one in (skewless pack dist | skewless upload - --to …), or pass --from-tar <file>.",
      );
    source = process.stdin;
  } else {
    source = createReadStream(tar);
  }
  // mkdtemp makes the folder readable by its owner only.
  const dest = await mkdtemp(join(tmpdir(), 'skewless-tar-'));
  try {
    const { root, files, stripped } = await extractTar(source, dest, strip).catch((error) => {
      const e = error as Error & { code?: string };
      if (e.code === 'ENOENT' && tar !== '-')
        throw new SkewlessError('INVALID_OPTIONS', `the tar ${tar} does not exist. Nothing was uploaded.`);
      throw error;
    });
    logger.debug(`extracted ${files} file(s) from ${tar === '-' ? 'standard input' : tar} into ${dest}`);
    if (stripped)
      logger.info(
        `the tar holds the build inside ${stripped}/: uploading that folder's contents (--strip 0 keeps the folder).`,
      );
    return await work(root);
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}
