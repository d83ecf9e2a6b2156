import { createHash } from 'node:crypto';
import type { Logger, Manifest, ReleaseInfo } from '@skewless/core';
import { mapLimit, parseManifest, RELEASE_FILE, SkewlessError } from '@skewless/core';
import type { RemoteObject, Target } from '../targets/target.js';
import {
  CURRENT_PATH,
  DOCUMENTS_DIR,
  documentCopyPath,
  LEASE_PATH,
  PUBLISH_LOCK_PATH,
  RELEASE_RECORD,
  releaseRecordPath,
} from './paths.js';

/** Where a release is in its life: being uploaded, the one pages load now, replaced by a newer one. */
export type ReleaseState = 'pending' | 'live' | 'retired';

/**
 * The record of one uploaded release, stored as `<prefix>/.skewless/releases/<id>.json`. Written
 * `pending` before any asset of the release is sent, so a prune that runs meanwhile keeps its files;
 * `live` when it becomes current; `retired` when a newer one replaces it. Times are the server's (the
 * LastModified of the write that made the change), in ms since the epoch, so a machine whose clock is
 * off cannot make a release look older or newer than it is.
 */
export interface ReleaseRecord {
  /** Format of the record. (Releases uploaded before records existed left a bare manifest here.) */
  record: 1;
  release: string;
  /** A name given at upload (`--label`, else the CI's commit), for `releases` and `rollback`. */
  label?: string;
  state: ReleaseState;
  /** When the record was first written, before the release's assets. */
  uploaded: number;
  /**
   * The uploading machine's clock at that write, in ms: orders releases uploaded within one second of
   * the server's clock (S3 keeps LastModified to the second), and only those.
   */
  clock: number;
  /** When it last became current. */
  live?: number;
  /** When it was last replaced as current. */
  retired?: number;
  /**
   * When a rollback claimed it (the server's time of that write), before the rollback checks its files:
   * prune keeps a claimed release like a pending one, so the files the rollback found are still there
   * when it moves the pointer. Cleared when the release goes live. Never used to order releases.
   */
  claimed?: number;
  /** The documents stored with the record (`.skewless/documents/<id>/<path>`), for a rollback without the build. */
  documents: string[];
  manifest: Manifest;
  /**
   * A claim, not a release: the files an upload sent from the build before the release id was known
   * (`manifest.release` is a provisional id). Pending like any upload, so a prune keeps its files; the
   * release's own record supersedes it and it is removed then.
   */
  early?: true;
}

/** A record as read back, with what the listing knows of it. */
export interface StoredRelease extends ReleaseRecord {
  /** A bare manifest from before records: no state, label or documents of its own. */
  legacy: boolean;
  /** The record object's size in the listing. */
  bytes: number;
}

/** How long a pending record protects its files: past it, the upload that wrote it is taken as abandoned. */
export const PENDING_EXPIRY_MS = 24 * 60 * 60 * 1000;

/** How long an upload may hold the publish lock before another may take it over (a crashed upload). */
export const PUBLISH_LOCK_MS = 10 * 60 * 1000;

/** How long a prune may hold the store: uploads that start meanwhile wait for it, at most this long. */
export const LEASE_MS = 10 * 60 * 1000;

/** How often a waiting upload asks whether the publish lock or the prune lease is free. */
const LOCK_POLL_MS = 1000;

/** The CI variables a label defaults to, in order: GitHub, GitLab, Bitbucket, CircleCI, Buildkite, generic. */
const LABEL_VARIABLES = [
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'BITBUCKET_COMMIT',
  'CIRCLE_SHA1',
  'BUILDKITE_COMMIT',
  'COMMIT_SHA',
];

/** The label an upload gets when none is given: the CI's commit, when a known variable holds one. */
export function defaultLabel(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of LABEL_VARIABLES) {
    const value = env[name]?.trim();
    if (value && /^[\x21-\x7e]{1,100}$/.test(value)) return value;
  }
  return undefined;
}

/**
 * The release store of one target: the records, the `current` pointer and the prune lease. The one
 * module upload, prune, releases and rollback read and change releases through.
 */
export class ReleaseStore {
  constructor(readonly target: Target) {}

  /** Every stored release, newest upload first. Unreadable records fail: a prune must know them all. */
  async readAll(listing: ReadonlyMap<string, RemoteObject>): Promise<StoredRelease[]> {
    const objects = [...listing.values()].filter((o) => RELEASE_RECORD.test(o.path));
    const releases = await mapLimit(objects, 16, async (object) => {
      const text = await this.target.readText(object.path);
      // Deleted since the listing (a rollback or prune elsewhere): nothing to keep for it.
      if (text === undefined) return undefined;
      return this.parse(text, object);
    });
    return releases.filter((r): r is StoredRelease => r !== undefined).sort(newestFirst);
  }

  /** One release's record, or undefined when none is stored. */
  async read(release: string): Promise<StoredRelease | undefined> {
    const path = releaseRecordPath(release);
    const text = await this.target.readText(path);
    if (text === undefined) return undefined;
    const head = await this.target.head(path);
    return this.parse(text, { path, size: head?.size ?? Buffer.byteLength(text), modified: head?.modified });
  }

  private async parse(text: string, object: RemoteObject): Promise<StoredRelease> {
    const where = `${this.target.url}/${object.path}`;
    let data: Partial<ReleaseRecord> & { version?: unknown; files?: unknown };
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SkewlessError(
        'INVALID_MANIFEST',
        `${where} is not valid JSON, so the files of that release are unknown. Nothing was changed; remove it only if that release is gone for good.`,
        { cause: error },
      );
    }
    const modified = object.modified ?? 0;
    if (data.record === 1 && data.manifest) {
      const manifest = parseManifest(JSON.stringify(data.manifest), where);
      return {
        ...(data as ReleaseRecord),
        manifest,
        // A pending record is written before the server's time of that write is known (0): its
        // LastModified is that time, until a later write of the record carries it.
        uploaded: data.uploaded || modified,
        clock: data.clock || data.uploaded || modified,
        ...(data.claimed !== undefined ? { claimed: data.claimed || modified } : {}),
        documents: data.documents ?? [],
        legacy: false,
        bytes: object.size,
      };
    }
    // Before records: the bare manifest, stored once the assets were verified; the writer's clock is in
    // its metadata.
    const manifest = parseManifest(text, where);
    const head = await this.target.head(object.path);
    return {
      record: 1,
      release: manifest.release,
      state: 'retired',
      uploaded: modified,
      clock: head?.uploaded ?? modified,
      documents: [],
      manifest,
      legacy: true,
      bytes: object.size,
    };
  }

  /** Write a record, and return the server's time of the write. */
  async write(record: ReleaseRecord): Promise<number> {
    const path = releaseRecordPath(record.release);
    await this.target.putText(path, `${JSON.stringify(record, null, 2)}\n`, 'application/json', 'no-cache');
    return (await this.target.head(path))?.modified ?? Date.now();
  }

  /** The current release: the pointer, else (stores from before it) the live `skewless.json`, else none. */
  async current(): Promise<string | undefined> {
    return (await releaseIn(this.target, CURRENT_PATH)) ?? (await releaseIn(this.target, RELEASE_FILE));
  }

  /**
   * Every release a page may be loading now: the current one, and the one the published `skewless.json`
   * names when that differs (a release file switched by hand, a publish cut short). Prune keeps both.
   */
  async live(): Promise<string[]> {
    const ids = [await releaseIn(this.target, CURRENT_PATH), await releaseIn(this.target, RELEASE_FILE)];
    return [...new Set(ids.filter((id): id is string => id !== undefined))];
  }

  /**
   * Make `record` the current release: the pointer first, then the record `live` and the one it replaces
   * `retired`, all stamped with the server's time of the pointer's write. Returns the replaced release.
   */
  async makeCurrent(record: ReleaseRecord): Promise<string | undefined> {
    const previous = await this.current();
    const body = `${JSON.stringify({ release: record.release } satisfies ReleaseInfo)}\n`;
    await this.target.putText(CURRENT_PATH, body, 'application/json', 'no-cache');
    const at = (await this.target.head(CURRENT_PATH))?.modified ?? Date.now();
    const { claimed: _claimed, ...rest } = stripStored(record);
    await this.write({ ...rest, state: 'live', live: at });
    if (previous && previous !== record.release) {
      const old = await this.read(previous);
      if (old) await this.write({ ...stripStored(old), state: 'retired', retired: at });
    }
    return previous === record.release ? undefined : previous;
  }

  /**
   * Claim a stored release for a rollback: its record written again with `claimed`, so a prune that lists
   * from now on keeps its files. Returns the server's time of the claim. A prune that listed before it
   * is still holding its lease: the caller waits for it ({@link waitForPrune}) and then checks the files.
   */
  async claim(record: ReleaseRecord): Promise<number> {
    // 0: the time of this very write, read from its LastModified (as a pending record's `uploaded`).
    return this.write({ ...stripStored(record), claimed: 0 });
  }

  /** Take a rollback's claim back (it was refused or failed): the record as it was. */
  async unclaim(record: ReleaseRecord): Promise<void> {
    const { claimed: _claimed, ...rest } = stripStored(record);
    await this.write(rest);
  }

  /**
   * The active prune lease, if any: when it was taken by the server's clock. `now` is a server time the
   * caller read (its own last write).
   */
  async activeLease(now: number): Promise<number | undefined> {
    const head = await this.target.head(LEASE_PATH);
    if (!head?.modified) return undefined;
    return now - head.modified < LEASE_MS ? head.modified : undefined;
  }

  /** Take the prune lease; returns the server's time it was taken. Refuses while another prune holds it. */
  async takeLease(owner: string): Promise<number> {
    const held = await this.target.head(LEASE_PATH);
    const body = `${JSON.stringify({ owner })}\n`;
    await this.target.putText(LEASE_PATH, body, 'application/json', 'no-store');
    const taken = (await this.target.head(LEASE_PATH))?.modified ?? Date.now();
    if (held?.modified && taken - held.modified < LEASE_MS) {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `another prune of ${this.target.url} started at ${new Date(held.modified).toISOString()} and holds the store (until it ends, or ${LEASE_MS / 60_000} minutes). Nothing was deleted; run prune again later, and run one prune per target at a time (a CI concurrency group).`,
      );
    }
    return taken;
  }

  /**
   * Take the publish lock, waiting while another upload holds it (polling once a second), taking over a
   * lock older than {@link PUBLISH_LOCK_MS} (its upload died). `now` gives the server's time as the
   * caller knows it. Returns the function that releases the lock. On a server without conditional
   * writes the lock cannot exclude anyone (the target warned once already).
   */
  async lockPublish(
    owner: string,
    now: () => number,
    onWait: (since: number) => void,
  ): Promise<() => Promise<void>> {
    const body = Buffer.from(`${JSON.stringify({ owner })}\n`);
    const request = {
      path: PUBLISH_LOCK_PATH,
      file: '',
      body,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      md5: createHash('md5').update(body).digest('hex'),
      contentType: 'application/json',
      cacheControl: 'no-store',
      release: owner,
      ifNoneMatch: true,
    };
    let told = false;
    for (;;) {
      if ((await this.target.put(request)) === 'written') return () => this.target.remove(PUBLISH_LOCK_PATH);
      const held = await this.target.head(PUBLISH_LOCK_PATH);
      if (!held) continue;
      if (held.modified !== undefined && now() - held.modified > PUBLISH_LOCK_MS) {
        await this.target.remove(PUBLISH_LOCK_PATH);
        continue;
      }
      if (!told) onWait(held.modified ?? now());
      told = true;
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  /**
   * Wait while a prune holds the lease (until it ends, or expires), polling once a second. Called after
   * this caller's pending record is written (`now`: the server's time of that write) and before it lists
   * the target, so the files it finds there are not deleted under it.
   */
  async waitForPrune(now: number, logger: Logger): Promise<void> {
    const since = performance.now();
    let told = false;
    for (;;) {
      const held = await this.activeLease(now + (performance.now() - since));
      if (held === undefined) return;
      if (!told)
        logger.info(
          `a prune of ${this.target.url} is running (since ${new Date(held).toISOString()}): waiting for it to finish before listing.`,
        );
      told = true;
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }

  async releaseLease(): Promise<void> {
    await this.target.remove(LEASE_PATH);
  }

  /** The stored copy of a document of `release`, as text, or undefined. */
  readDocument(release: string, path: string): Promise<string | undefined> {
    return this.target.readText(documentCopyPath(release, path));
  }

  /** Every key that belongs to a release's record: the record and its stored documents. */
  recordKeys(release: string, listing: ReadonlyMap<string, RemoteObject>): string[] {
    const folder = `${DOCUMENTS_DIR}/${release}/`;
    return [...[...listing.keys()].filter((k) => k.startsWith(folder)).sort(), releaseRecordPath(release)];
  }
}

/** Newest upload first: by the server's second, then the uploader's clock within it, then by id. */
export function newestFirst(a: ReleaseRecord, b: ReleaseRecord): number {
  const second = (r: ReleaseRecord) => Math.floor(r.uploaded / 1000);
  return second(b) - second(a) || b.clock - a.clock || (a.release < b.release ? -1 : 1);
}

/** The release id a `{"release": …}` object names, or undefined when it is absent or unreadable. */
async function releaseIn(target: Target, path: string): Promise<string | undefined> {
  const text = await target.readText(path);
  if (text === undefined) return undefined;
  try {
    const release = (JSON.parse(text) as Partial<ReleaseInfo>).release;
    return typeof release === 'string' ? release : undefined;
  } catch {
    return undefined;
  }
}

/** A record as stored: without what reading it added. */
export function stripStored(r: ReleaseRecord | StoredRelease): ReleaseRecord {
  const { legacy: _legacy, bytes: _bytes, ...record } = r as StoredRelease;
  return record;
}
