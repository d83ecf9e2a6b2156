import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManifest, type Logger, type Manifest, writeManifest } from '../src/index.js';
import { rollback } from '../src/releases/history.js';
import { prune } from '../src/releases/prune.js';
import { upload } from '../src/upload/upload.js';
import { type ProxyRecord, startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { startS3 } from './helpers/s3.js';

// Prune and upload on one target at once, interleaved at chosen requests by pausing proxies (one in
// front of each), never by sleeping. The promise under test: a file an upload skipped because it was
// already there is still there when that upload's HTML goes live.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await s3?.close();
});

/** A release: the entry chunk given, a CSS file every release shares, and any other files. */
async function release(label: string, entry: string, more: Record<string, string> = {}) {
  const b = await makeBuildDir({
    'index.html': `<!-- ${label} --><script type="module" src="/assets/${entry}"></script><link rel="stylesheet" href="/assets/style-0a1b2c3d.css">`,
    [`assets/${entry}`]: `console.log(${JSON.stringify(entry)})\n`,
    'assets/style-0a1b2c3d.css': 'body{}\n',
    ...more,
  });
  cleanups.push(b.remove);
  const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
  await writeManifest(b.dir, manifest);
  return { dir: b.dir, manifest };
}

/** A gate a proxy holds a request at: `reached` resolves when the request arrives, `open()` lets it go. */
function gate(match: (r: ProxyRecord) => boolean) {
  let reach!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = false;
  return {
    reached,
    open,
    beforeRequest: async (r: ProxyRecord) => {
      if (held || !match(r)) return;
      held = true;
      reach();
      await opened;
    },
  };
}

async function proxy(beforeRequest?: (r: ProxyRecord) => Promise<void>) {
  const p = await startAwsProxy(s3.server.endpoint, s3.client, [], beforeRequest ? { beforeRequest } : {});
  cleanups.push(p.close);
  return p;
}

const via = (endpoint: string) => ({ endpoint, credentials: s3.credentials });

/** Every file of the manifest is in the bucket with its bytes (read back and hashed). */
async function expectComplete(prefix: string, manifest: Manifest) {
  for (const f of manifest.files.filter((file) => file.class !== 'private')) {
    const body = await s3.body(`${prefix}/${f.path}`);
    expect(createHash('sha256').update(body).digest('hex'), f.path).toBe(f.sha256);
  }
}

/** A logger that resolves `told` when a line matching `pattern` is logged. */
function listening(pattern: RegExp): { logger: Logger; told: Promise<string> } {
  let tell!: (line: string) => void;
  const told = new Promise<string>((resolve) => {
    tell = resolve;
  });
  const line = (m: string) => {
    if (pattern.test(m)) tell(m);
  };
  return { logger: { info: line, warn: line, error: line, debug: () => {} }, told };
}

/**
 * Release A (entry `entry-1a1a1a1a.js`, its alone), then B replaces it as current. The new release C
 * uses A's entry chunk again (a revert) and adds a lazy chunk of its own, so a prune that drops A deletes
 * exactly the file C skips, while C has one file to send.
 */
async function setup(prefix: string) {
  const to = `s3://skewless/${prefix}`;
  const direct = via(s3.server.endpoint);
  const a = await release('a', 'entry-1a1a1a1a.js');
  const b = await release('b', 'entry-2b2b2b2b.js');
  const c = await release('c', 'entry-1a1a1a1a.js', { 'assets/lazy-3c3c3c3c.js': 'export {}\n' });
  await upload({ dir: a.dir, to, html: true, ...direct });
  await upload({ dir: b.dir, to, html: true, ...direct });
  return { to, a, b, c };
}

describe('prune and upload at once (pausing proxies, real s3rver)', () => {
  it('an upload that starts while prune deletes waits for it, then sends the file prune took', async () => {
    const { to, a, c } = await setup('race-late');
    // Prune is held at its first delete: it has decided to drop A and its entry chunk.
    const atDelete = gate((r) => r.method === 'POST' && r.url.includes('delete'));
    const pruneProxy = await proxy(atDelete.beforeRequest);
    const pruning = prune({ to, keep: 1, minAgeMs: 0, ...via(pruneProxy.endpoint) });
    await atDelete.reached;

    const uploadProxy = await proxy();
    const { logger, told } = listening(/a prune of .* is running/);
    const uploading = upload({ dir: c.dir, to, html: true, logger, ...via(uploadProxy.endpoint) });
    await told;
    // Waiting: its pending record is written, but it has not listed the target, so it decided nothing.
    expect(uploadProxy.requests.filter((r) => r.url.includes('list-type=2'))).toEqual([]);

    atDelete.open();
    const pruned = await pruning;
    expect(pruned.dropped).toEqual([a.manifest.release]);
    expect(pruned.deleted).toContain('race-late/assets/entry-1a1a1a1a.js');

    const uploaded = await uploading;
    // It listed after the prune: the chunk was gone, so it was sent again.
    expect(uploaded.files.find((f) => f.path === 'assets/entry-1a1a1a1a.js')?.action).toBe('upload');
    expect(uploaded.files.find((f) => f.path === 'assets/style-0a1b2c3d.css')?.action).toBe('skip');
    await expectComplete('race-late', c.manifest);
  });

  it('a prune that runs while an upload sends keeps every file of the pending release', async () => {
    const { to, a, c } = await setup('race-early');
    // The upload is held at its first asset PUT: its record is pending, it listed, and it skipped A's
    // entry chunk, which is there.
    const atSend = gate((r) => r.method === 'PUT' && r.url.includes('/assets/'));
    const uploadProxy = await proxy(atSend.beforeRequest);
    const uploading = upload({ dir: c.dir, to, html: true, ...via(uploadProxy.endpoint) });
    await atSend.reached;

    const pruneProxy = await proxy();
    const pruned = await prune({ to, keep: 1, minAgeMs: 0, ...via(pruneProxy.endpoint) });
    // A is dropped, but its entry chunk is C's too, and C is pending: the chunk stays.
    expect(pruned.dropped).toEqual([a.manifest.release]);
    expect(pruned.decisions.find((d) => d.release === c.manifest.release)?.reason).toBe(
      'being uploaded (pending)',
    );
    expect(pruned.deleted).not.toContain('race-early/assets/entry-1a1a1a1a.js');

    atSend.open();
    const uploaded = await uploading;
    expect(uploaded.files.find((f) => f.path === 'assets/lazy-3c3c3c3c.js')?.action).toBe('upload');
    expect(uploaded.files.find((f) => f.path === 'assets/entry-1a1a1a1a.js')?.action).toBe('skip');
    await expectComplete('race-early', c.manifest);
  });

  it('two uploads at once: the second waits for the first to publish, and the HTML and skewless.json that end up live are one release', async () => {
    const to = 's3://skewless/race-two';
    const one = await release('one', 'entry-4a4a4a4a.js');
    const two = await release('two', 'entry-4b4b4b4b.js');
    // The first is held at its first document (its HTML): it holds the publish lock.
    const atHtml = gate((r) => r.method === 'PUT' && r.url.split('?')[0]!.endsWith('/race-two/index.html'));
    const firstProxy = await proxy(atHtml.beforeRequest);
    const first = upload({ dir: one.dir, to, html: true, ...via(firstProxy.endpoint) });
    await atHtml.reached;

    const secondProxy = await proxy();
    const { logger, told } = listening(/another upload is publishing to .*: waiting/);
    const second = upload({ dir: two.dir, to, html: true, logger, ...via(secondProxy.endpoint) });
    await told;
    // Its assets are up, but it has not moved the pointer nor written a document.
    const written = secondProxy.requests.filter((r) => r.method === 'PUT').map((r) => r.url.split('?')[0]!);
    expect(written.some((u) => u.endsWith('/current.json') || u.endsWith('/index.html'))).toBe(false);

    atHtml.open();
    await first;
    await second;
    const html = (await s3.body('race-two/index.html')).toString();
    const live = JSON.parse((await s3.body('race-two/skewless.json')).toString()).release;
    expect(live).toBe(two.manifest.release);
    expect(html).toContain('<!-- two -->');
    expect(JSON.parse((await s3.body('race-two/.skewless/current.json')).toString()).release).toBe(live);
    await expectComplete('race-two', two.manifest);
    expect(await s3.keys()).not.toContain('race-two/.skewless/publish-lock.json');
  });

  it('a rollback that starts while prune deletes its release waits for the prune, then refuses: the current release stays whole', async () => {
    const { to, a, b } = await setup('race-rollback-late');
    // Prune is held at its first delete: it has decided to drop A, whose files are all there now.
    const atDelete = gate((r) => r.method === 'POST' && r.url.includes('delete'));
    const pruneProxy = await proxy(atDelete.beforeRequest);
    const pruning = prune({ to, keep: 1, minAgeMs: 0, ...via(pruneProxy.endpoint) });
    await atDelete.reached;

    const rollbackProxy = await proxy();
    const { logger, told } = listening(/a prune of .* is running/);
    const rolling = rollback({ to, release: a.manifest.release, logger, ...via(rollbackProxy.endpoint) });
    // Its first check passed (A is whole until the prune deletes): it claimed A and waits.
    await told;
    const moved = rollbackProxy.requests.filter(
      (r) => r.method === 'PUT' && r.url.split('?')[0]!.endsWith('/current.json'),
    );
    expect(moved).toEqual([]);

    atDelete.open();
    const pruned = await pruning;
    expect(pruned.deleted).toContain('race-rollback-late/assets/entry-1a1a1a1a.js');
    await expect(rolling).rejects.toThrow(/cannot come back: 1 of its files are gone/);
    const current = JSON.parse((await s3.body('race-rollback-late/.skewless/current.json')).toString());
    expect(current.release).toBe(b.manifest.release);
    expect(JSON.parse((await s3.body('race-rollback-late/skewless.json')).toString()).release).toBe(
      b.manifest.release,
    );
    await expectComplete('race-rollback-late', b.manifest);
    expect(await s3.keys()).not.toContain('race-rollback-late/.skewless/publish-lock.json');
  });

  it('a prune that runs after a rollback claimed its release keeps every file of it, and the rollback lands whole', async () => {
    const { to, a } = await setup('race-rollback-early');
    // The rollback is held at its wait for a prune: it has checked A's files and claimed A.
    const atWait = gate((r) => r.method === 'HEAD' && r.url.includes('prune-lease'));
    const rollbackProxy = await proxy(atWait.beforeRequest);
    const rolling = rollback({ to, release: a.manifest.release, ...via(rollbackProxy.endpoint) });
    await atWait.reached;

    const pruneProxy = await proxy();
    const pruned = await prune({ to, keep: 1, minAgeMs: 0, ...via(pruneProxy.endpoint) });
    expect(pruned.decisions.find((d) => d.release === a.manifest.release)?.reason).toBe(
      'being rolled back (claimed)',
    );
    expect(pruned.deleted).toEqual([]);

    atWait.open();
    const rolled = await rolling;
    expect(rolled.release).toBe(a.manifest.release);
    expect(JSON.parse((await s3.body('race-rollback-early/skewless.json')).toString()).release).toBe(
      a.manifest.release,
    );
    await expectComplete('race-rollback-early', a.manifest);
    // Live now: the claim is cleared, so it protects nothing once A is retired again.
    const record = JSON.parse(
      (await s3.body(`race-rollback-early/.skewless/releases/${a.manifest.release}.json`)).toString(),
    );
    expect(record.state).toBe('live');
    expect(record.claimed).toBeUndefined();
  });
});
