import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SkewlessError } from '@skewless/core';
import type { ReadEntry } from 'tar';
import { Parser } from 'tar';

/** What the tar may hold: regular files and the folders they sit in. Anything else is refused. */
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

const KIND: Record<string, string> = {
  SymbolicLink: 'a symbolic link',
  Link: 'a hard link',
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a named pipe',
};

const HOW =
  'Pack only the build folder: `skewless pack dist` (or `tar -c -C dist .`), with every link replaced by a copy of its file. Nothing was uploaded.';

/**
 * The `/`-separated parts of an entry's name with `.` and empty parts dropped, or the reason it could
 * land outside the folder it is extracted into.
 */
function entryParts(name: string): string[] | string {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\')) return 'an absolute path';
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return 'a path that climbs out with ..';
  if (parts.some((p) => p.includes('\0'))) return 'a path with a NUL character';
  return parts;
}

function refused(name: string, what: string): SkewlessError {
  return new SkewlessError(
    'INVALID_OPTIONS',
    `the tar's entry '${name}' is ${what}: Skewless extracts only regular files and folders inside the build. ${HOW}`,
  );
}

/**
 * Extract a tar (plain or gzipped) into `dest`, an empty private folder, refusing every entry that could
 * write outside it or is not a regular file or a folder. The parsing is node-tar's; every write is ours,
 * so nothing the archive says is applied but the file names and bytes. Resolves with the folder to
 * upload: `dest`, or the one folder the tar wraps the build in (see {@link UploadOptions.strip}).
 */
export async function extractTar(
  source: Readable,
  dest: string,
  strip: number | undefined,
): Promise<{ root: string; files: number; stripped?: string }> {
  const seen = new Set<string>();
  const writes: Promise<void>[] = [];
  let failure: Error | undefined;
  const parser = new Parser({ strict: true });
  const fail = (error: Error) => {
    failure ??= error;
    parser.abort(error);
  };
  parser.on('entry', (entry: ReadEntry) => {
    if (failure) {
      entry.resume();
      return;
    }
    const parts = entryParts(entry.path);
    if (typeof parts === 'string') return fail(refused(entry.path, parts));
    const kind = KIND[entry.type];
    if (kind) {
      const to = entry.linkpath ? ` (→ ${entry.linkpath})` : '';
      return fail(refused(entry.path, `${kind}${to}`));
    }
    if (entry.type !== 'Directory' && !FILE_TYPES.has(entry.type))
      return fail(refused(entry.path, `of a kind Skewless does not extract (${entry.type})`));
    const kept = parts.slice(strip ?? 0);
    if (kept.length === 0) {
      entry.resume();
      return;
    }
    const path = join(dest, ...kept);
    if (entry.type === 'Directory') {
      entry.resume();
      writes.push(mkdir(path, { recursive: true }).then(() => undefined));
      return;
    }
    const key = kept.join('/');
    if (seen.has(key))
      return fail(
        refused(entry.path, 'a second copy of a file already in the tar (which one is the build?)'),
      );
    seen.add(key);
    // Paused until its folder exists; the parser waits for the file's writes before the next entry.
    entry.pause();
    writes.push(
      (async () => {
        await mkdir(join(dest, ...kept.slice(0, -1)), { recursive: true });
        await new Promise<void>((resolve, reject) => {
          // `wx`: a name is written once; nothing in `dest` is followed (it only holds what we wrote).
          const out = createWriteStream(path, { flags: 'wx', mode: 0o644 });
          out.on('error', reject);
          out.on('finish', resolve);
          entry.on('error', reject);
          entry.pipe(out);
          entry.resume();
        });
      })().catch((error: Error) => fail(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('abort', reject);
    parser.on('end', resolve);
    source.on('error', reject);
    source.pipe(parser);
  }).catch((error: Error & { code?: string }) => {
    failure ??= error;
  });
  await Promise.all(writes);
  if (failure) {
    if (failure instanceof SkewlessError) throw failure;
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the tar could not be read: ${failure.message}. Is it a tar (plain or gzipped) of the build? Nothing was uploaded.`,
    );
  }
  if (seen.size === 0)
    throw new SkewlessError(
      'INVALID_OPTIONS',
      'the tar holds no files. Pack the build folder (`skewless pack dist`), then upload again. Nothing was uploaded.',
    );
  if (strip === undefined) {
    const wrapped = await wrappingFolder(dest);
    if (wrapped) return { root: join(dest, wrapped), files: seen.size, stripped: wrapped };
  }
  return { root: dest, files: seen.size };
}

/**
 * The one folder a tar wraps the build in (`docker cp container:/app/dist -`, `tar -c dist`), when the
 * top level holds that folder only and the build's manifest is inside it.
 */
async function wrappingFolder(dest: string): Promise<string | undefined> {
  const top = await readdir(dest, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  if (!only?.isDirectory() || only.name === '.skewless') return undefined;
  const manifest = await stat(join(dest, only.name, '.skewless', 'manifest.json')).catch(() => undefined);
  return manifest?.isFile() ? only.name : undefined;
}
