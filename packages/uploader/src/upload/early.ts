import { randomBytes } from 'node:crypto';
import type { HashFormat, Logger, ManifestFile } from '@skewless/core';
import { DEFAULT_HASH, SkewlessError } from '@skewless/core';
import { releaseRecordPath } from '../releases/paths.js';
import type { ReleaseRecord, ReleaseStore } from '../releases/store.js';
import type { Target } from '../targets/target.js';
import type { LocalDigests } from './digest.js';
import { type PlannedEntry, planUpload } from './plan.js';
import { type Sender, transfer } from './send.js';

/** What the early sends share with the rest of the upload. */
export interface EarlyContext {
  dir: string;
  digests: LocalDigests;
  concurrency: number;
  force: boolean;
  logger: Logger;
  open: () => Promise<{ target: Target; store: ReleaseStore }>;
}

/**
 * The immutable files an upload sends before the build is over (from the bundler's `writeBundle`),
 * before the release id, which is over every file, is known. Each batch, in order: the claim (a
 * `pending` record under a provisional id listing every file sent so far) is written, then the upload
 * waits while a prune holds the store, lists the target, and sends what is not there yet. So a prune
 * either ran before the claim (and the listing after it sees what it left) or reads the claim and keeps
 * its files. The release's own record supersedes the claim when the upload finishes.
 */
export class EarlySends {
  /** Every file sent or found in place, by path. */
  readonly entries = new Map<string, PlannedEntry>();
  private readonly claimed: ManifestFile[] = [];
  private readonly id = `early-${randomBytes(8).toString('hex')}`;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private written = false;

  constructor(
    private readonly ctx: EarlyContext,
    private readonly hash: HashFormat = DEFAULT_HASH,
  ) {}

  /** Queue immutable files to send; a file already queued is not sent again. Failures surface in {@link settled}. */
  send(files: readonly ManifestFile[]): Promise<void> {
    const known = new Set(this.claimed.map((f) => f.path));
    const fresh = files.filter((f) => {
      if (f.class !== 'immutable' || known.has(f.path)) return false;
      known.add(f.path);
      return true;
    });
    if (fresh.length === 0) return this.queue;
    this.claimed.push(...fresh);
    this.queue = this.queue.then(() => (this.failure === undefined ? this.batch(fresh) : undefined));
    this.queue = this.queue.catch((error: unknown) => {
      this.failure ??= error;
    });
    return this.queue;
  }

  /** Wait for every queued batch; throws the first failure. */
  async settled(): Promise<void> {
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Remove the claim (once the release's own record covers the files, or the build failed). */
  async release(target: Target): Promise<void> {
    await this.queue;
    if (this.written) await target.remove(releaseRecordPath(this.id));
    this.written = false;
  }

  private async batch(files: ManifestFile[]): Promise<void> {
    const { target, store } = await this.ctx.open();
    const record: ReleaseRecord = {
      record: 1,
      release: this.id,
      state: 'pending',
      uploaded: 0,
      clock: Date.now(),
      documents: [],
      early: true,
      manifest: {
        version: 1,
        release: this.id,
        hash: this.hash,
        base: '/',
        assetsDir: '',
        files: [...this.claimed],
      },
    };
    const at = await store.write(record);
    this.written = true;
    await store.waitForPrune(at, this.ctx.logger);
    const plan = await planUpload({
      manifest: { ...record.manifest, files },
      dir: this.ctx.dir,
      digests: this.ctx.digests,
      key: (path) => target.key(path),
      remote: await target.list(files.map((f) => f.path)),
      head: (path) => target.head(path),
      html: false,
      includePrivate: false,
      force: this.ctx.force,
      concurrency: this.ctx.concurrency,
    });
    const conflicts = plan.filter((e) => e.action === 'conflict').map((e) => e.key);
    if (conflicts.length > 0) {
      throw new SkewlessError(
        'IMMUTABLE_CONFLICT',
        `${target.url} already holds other bytes under ${conflicts.length} immutable name(s): ${conflicts.join(', ')}. No document was written. A hashed name must never change its bytes: check that the build is deterministic ('skewless check-determinism') and the hash length.`,
      );
    }
    const send: Sender = {
      target,
      manifest: record.manifest,
      dir: this.ctx.dir,
      digests: this.ctx.digests,
      checked: new Map(),
      concurrency: this.ctx.concurrency,
    };
    const sending = plan.filter((e) => e.action === 'upload');
    await transfer(send, 'assets', [sending], () => {});
    for (const e of plan) this.entries.set(e.path, e);
    this.ctx.logger.info(
      `[skewless] sent ${sending.length} hashed file(s) early (${plan.length - sending.length} already there) to ${target.url}.`,
    );
  }
}
