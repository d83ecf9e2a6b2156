import { createHash } from 'node:crypto';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createManifest, type Manifest, releases, rollback, writeManifest } from '../src/index.js';
import { prune } from '../src/releases/prune.js';
import { formatBytes } from '../src/upload/progress.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env as s3EnvOf, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const removals = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

/** A release with its own entry chunk and HTML; the CSS is shared by every release. */
async function release(hash: string) {
  const b = await makeBuildDir({
    'index.html': `<!doctype html><title>${hash}</title><script type="module" src="/assets/entry-${hash}.js"></script><link rel="stylesheet" href="/assets/style-0a1b2c3d.css">`,
    [`assets/entry-${hash}.js`]: `console.log("${hash}")\n`,
    'assets/style-0a1b2c3d.css': 'body{}\n',
  });
  removals.push(b.remove);
  const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
  await writeManifest(b.dir, manifest);
  return { dir: b.dir, manifest, id: manifest.release };
}

const direct = () => ({ endpoint: s3.server.endpoint, credentials: s3.credentials });
const publish = (dir: string, to: string, label: string, html = true) =>
  upload({ dir, to, html, label, ...direct() });

/** What a new visitor gets: the HTML and every file of the release, read back and hashed. */
async function expectServes(prefix: string, manifest: Manifest) {
  for (const f of manifest.files.filter((file) => file.class !== 'private')) {
    const body = await s3.body(`${prefix}/${f.path}`);
    expect(createHash('sha256').update(body).digest('hex'), f.path).toBe(f.sha256);
  }
}

describe('releases and rollback (real s3rver)', () => {
  it('lists releases newest first with which one is current; the total counts shared files once', async () => {
    const to = 's3://skewless/list';
    const a = await release('1a1a1a1a');
    const b = await release('2b2b2b2b');
    await publish(a.dir, to, 'v1');
    await publish(b.dir, to, 'v2');
    const result = await releases({ to, ...direct() });
    expect(result.current).toBe(b.id);
    expect(result.releases.map((r) => [r.release, r.label, r.state, r.current, r.documents])).toEqual([
      [b.id, 'v2', 'live', true, true],
      [a.id, 'v1', 'retired', false, true],
    ]);
    const bytes = (m: Manifest) => m.files.reduce((n, f) => n + f.bytes, 0);
    expect(result.releases[0]!.bytes).toBe(bytes(b.manifest));
    // Each stored path once: the shared CSS, and index.html / skewless.json, which hold B's bytes now.
    const stored = new Map<string, number>();
    for (const m of [b.manifest, a.manifest])
      for (const f of m.files) if (!stored.has(f.path)) stored.set(f.path, f.bytes);
    expect(stored.size).toBe(5);
    expect(result.totalBytes).toBe([...stored.values()].reduce((n, x) => n + x, 0));
  });

  it('rolls back to the previous release from its stored documents, and forward again by label', async () => {
    const to = 's3://skewless/back';
    const a = await release('3a3a3a3a');
    const b = await release('3b3b3b3b');
    await publish(a.dir, to, 'v1');
    await publish(b.dir, to, 'v2');
    // The build directories are gone: a rollback needs only the bucket.
    const { rm } = await import('node:fs/promises');
    for (const r of [a, b]) await rm(r.dir, { recursive: true, force: true });

    const back = await rollback({ to, release: 'previous', ...direct() });
    expect(back).toMatchObject({ release: a.id, replaced: b.id, documents: ['index.html', 'skewless.json'] });
    await expectServes('back', a.manifest);
    expect(JSON.parse((await s3.body('back/.skewless/current.json')).toString())).toEqual({ release: a.id });
    const listed = await releases({ to, ...direct() });
    expect(listed.releases.find((r) => r.release === a.id)).toMatchObject({ state: 'live', current: true });
    expect(listed.releases.find((r) => r.release === b.id)).toMatchObject({
      state: 'retired',
      current: false,
    });

    const forward = await rollback({ to, release: 'v2', ...direct() });
    expect(forward).toMatchObject({ release: b.id, replaced: a.id });
    await expectServes('back', b.manifest);
    await expect(rollback({ to, release: b.id, ...direct() })).rejects.toThrow(/already current/);
  });

  it('refuses a release whose files are gone, one pruned away, and one uploaded without documents; changes nothing', async () => {
    const to = 's3://skewless/refuse';
    const a = await release('4a4a4a4a');
    const b = await release('4b4b4b4b');
    const c = await release('4c4c4c4c');
    await publish(a.dir, to, 'v1');
    await publish(b.dir, to, 'v2', false); // the container flow: assets only
    await publish(c.dir, to, 'v3');
    const before = (await s3.keys()).filter((k) => k.startsWith('refuse/'));

    await expect(rollback({ to, release: 'v2', ...direct() })).rejects.toThrow(
      /has no documents stored \(it was uploaded without --html/,
    );
    await s3.client.send(
      new DeleteObjectCommand({ Bucket: 'skewless', Key: 'refuse/assets/entry-4a4a4a4a.js' }),
    );
    await expect(rollback({ to, release: 'v1', ...direct() })).rejects.toThrow(
      /cannot come back: 1 of its files are gone .*assets\/entry-4a4a4a4a\.js/,
    );
    expect((await s3.keys()).filter((k) => k.startsWith('refuse/'))).toEqual(
      before.filter((k) => k !== 'refuse/assets/entry-4a4a4a4a.js'),
    );

    await prune({ to, keep: 1, minAgeMs: 0, ...direct() });
    await expect(rollback({ to, release: a.id, ...direct() })).rejects.toThrow(
      new RegExp(`holds no release with the id or label '${a.id}'.*It may have been pruned`),
    );
    expect(JSON.parse((await s3.body('refuse/skewless.json')).toString())).toEqual({ release: c.id });
  });

  it('the CLI: releases --json, rollback --release previous, and usage errors exit 2', async () => {
    const to = 's3://skewless/cli-releases';
    const a = await release('5a5a5a5a');
    const b = await release('5b5b5b5b');
    await publish(a.dir, to, 'v1');
    await publish(b.dir, to, 'v2');
    const env = s3EnvOf(s3);
    const listed = await runCli(built.cli, ['releases', '--to', to, '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ ok: true, current: b.id });
    const table = await runCli(built.cli, ['releases', '--to', to], env);
    expect(table.stdout).toMatch(new RegExp(`\\* ${b.id} +v2 +live`));
    // The total line, from the same numbers as --json (shared files counted once).
    const json = JSON.parse(listed.stdout) as { totalBytes: number };
    expect(`${table.stdout}\n${table.stderr}`).toContain(
      `2 release(s) in ${to}, current ${b.id}; ${formatBytes(json.totalBytes)} stored in all (shared files counted once)`,
    );

    const missing = await runCli(built.cli, ['rollback', '--to', to], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--release is required: the release id, its label, or 'previous'");
    const back = await runCli(built.cli, ['rollback', '--to', to, '--release', 'previous'], env);
    expect(back.code).toBe(0);
    expect(back.stderr).toContain(`made release ${a.id} current (replacing ${b.id})`);
    const unknown = await runCli(built.cli, ['rollback', '--to', to, '--release', 'v9'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("holds no release with the id or label 'v9'");
  });
});
