import { createHash, randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a file held when it was last hashed, and how it stood on disk then. */
interface Entry {
  /** Size, modification and status-change times (ns) and inode: any write changes the status-change time. */
  size: string;
  mtime: string;
  ctime: string;
  ino: string;
  sha256: string;
  md5: string;
}

/** A file changed less than this before it was hashed is not remembered (coarse file-system clocks). */
const RACY_MS = 2000;

/** At most this many entries are kept per build directory. */
const MAX_ENTRIES = 200_000;

/**
 * The digests of a build directory's files from an earlier upload on this machine, keyed by how each file
 * stood on disk, so a re-run need not read and hash bytes that did not change. A file counts as unchanged
 * only when its size, inode, modification time and status-change time are all the same: the status-change
 * time moves on every write and cannot be set back by tools (`touch -r`, `cp -p`, `utimes` restore only the
 * modification time), so a file changed after it was hashed is always read again, and a stale manifest is
 * still refused. A file is remembered only once it has been still for {@link RACY_MS}, as git's index does
 * for "racy" files. Only digests and stat numbers are stored, never file contents, in the user's cache
 * folder (`$SKEWLESS_CACHE_DIR`, `$XDG_CACHE_HOME/skewless`, else `~/.cache/skewless`); set
 * `SKEWLESS_CACHE_DIR=off` to read every file every time. A cache that cannot be read or written is
 * simply not used.
 */
export class DigestCache {
  #entries: Map<string, Entry>;
  #dirty = false;

  private constructor(
    readonly file: string | undefined,
    entries: Map<string, Entry>,
    readonly racyMs: number,
  ) {
    this.#entries = entries;
  }

  /** The cache of `dir` (empty when there is none, or when caching is off). */
  static async open(dir: string, options: { racyMs?: number; cacheDir?: string } = {}): Promise<DigestCache> {
    const folder = options.cacheDir ?? cacheFolder();
    const racyMs = options.racyMs ?? RACY_MS;
    if (!folder) return new DigestCache(undefined, new Map(), racyMs);
    const key = createHash('sha256')
      .update(await realpath(dir).catch(() => dir))
      .digest('hex')
      .slice(0, 24);
    const file = join(folder, `digests-${key}.json`);
    let entries = new Map<string, Entry>();
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as {
        version?: number;
        files?: Record<string, Entry>;
      };
      if (data.version === 1 && data.files && typeof data.files === 'object')
        entries = new Map(Object.entries(data.files).filter(([, e]) => validEntry(e)));
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    return new DigestCache(file, entries, racyMs);
  }

  /** The digests of `path` if it stands on disk exactly as when they were taken. */
  lookup(path: string, stat: BigIntStats): { sha256: string; md5: string } | undefined {
    const entry = this.#entries.get(path);
    if (!entry || !this.file) return undefined;
    const now = standing(stat);
    if (
      entry.size !== now.size ||
      entry.mtime !== now.mtime ||
      entry.ctime !== now.ctime ||
      entry.ino !== now.ino
    )
      return undefined;
    return { sha256: entry.sha256, md5: entry.md5 };
  }

  /** Remember the digests just taken of `path`, which stood as `stat` before it was read. */
  record(
    path: string,
    stat: BigIntStats,
    digest: { sha256: string; md5: string },
    hashedAt = Date.now(),
  ): void {
    if (!this.file) return;
    // Changed a moment before it was read: another change within the file system's clock tick would not
    // show in its times, so it is read again next time.
    if (hashedAt - Number(stat.ctimeMs) < this.racyMs || hashedAt - Number(stat.mtimeMs) < this.racyMs) {
      if (this.#entries.delete(path)) this.#dirty = true;
      return;
    }
    this.#entries.set(path, { ...standing(stat), sha256: digest.sha256, md5: digest.md5 });
    this.#dirty = true;
  }

  /** Keep only these paths (the build's files now), so the cache never outgrows the build. */
  retain(paths: ReadonlySet<string>): void {
    for (const path of this.#entries.keys())
      if (!paths.has(path)) {
        this.#entries.delete(path);
        this.#dirty = true;
      }
  }

  /** Write the cache (atomically: a temp file renamed over it); failures are ignored. */
  async save(): Promise<void> {
    if (!this.file || !this.#dirty || this.#entries.size > MAX_ENTRIES) return;
    const temp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(this.file, '..'), { recursive: true });
      await writeFile(temp, JSON.stringify({ version: 1, files: Object.fromEntries(this.#entries) }));
      await rename(temp, this.file);
      this.#dirty = false;
    } catch {
      await rm(temp, { force: true }).catch(() => {});
    }
  }
}

function standing(stat: BigIntStats): Pick<Entry, 'size' | 'mtime' | 'ctime' | 'ino'> {
  return {
    size: String(stat.size),
    mtime: String(stat.mtimeNs),
    ctime: String(stat.ctimeNs),
    ino: String(stat.ino),
  };
}

function validEntry(e: unknown): e is Entry {
  const x = e as Partial<Entry> | undefined;
  return (
    !!x &&
    typeof x.size === 'string' &&
    typeof x.mtime === 'string' &&
    typeof x.ctime === 'string' &&
    typeof x.ino === 'string' &&
    typeof x.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(x.sha256) &&
    typeof x.md5 === 'string' &&
    /^[0-9a-f]{32}$/.test(x.md5)
  );
}

/** Where caches go, or undefined when caching is off. */
function cacheFolder(): string | undefined {
  const set = process.env.SKEWLESS_CACHE_DIR;
  if (set === 'off' || set === '0' || set === 'false') return undefined;
  if (set) return set;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return join(xdg, 'skewless');
  const home = homedir();
  return home ? join(home, '.cache', 'skewless') : undefined;
}
