import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, plainEnv, runCli, s3Env as s3EnvOf, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

const s3Env = () => s3EnvOf(s3);

async function buildDir(files = VITE_LIKE) {
  const b = await makeBuildDir(files);
  cleanups.push(b.remove);
  return b;
}

describe('skewless upload (the CLI)', () => {
  it('exits 2 on usage errors, with a message that says what to do', async () => {
    const none = await runCli(built.cli, [], plainEnv());
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: skewless <command>');

    const noTo = await runCli(built.cli, ['upload', 'dist'], plainEnv());
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain('[skewless] --to is required');

    const badFlag = await runCli(built.cli, ['upload', 'dist', '--to', 's3://b', '--nope'], plainEnv());
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Run 'skewless upload --help'");

    const badTarget = await runCli(built.cli, ['upload', 'dist', '--to', 'ftp://x'], plainEnv());
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('--to must start with s3://<bucket> or file:///');

    const help = await runCli(built.cli, ['upload', '--help'], plainEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
  });

  it('--json: usage and early errors print { ok: false, error: { code, message } } on stdout, exit code unchanged', async () => {
    const cases: [string[], number, string, string][] = [
      [['upload', '--json'], 2, 'INVALID_OPTIONS', 'give exactly one build directory'],
      [
        ['upload', 'dist', '--to', 's3://b', '--nope', '--json'],
        2,
        'INVALID_OPTIONS',
        'unknown option --nope. Remove it or check its spelling',
      ],
      [
        ['upload', 'dist', '--to', 's3://b', '--htlm', '--json'],
        2,
        'INVALID_OPTIONS',
        'unknown option --htlm. Did you mean --html?',
      ],
      [['upload', 'dist', '--json'], 2, 'INVALID_OPTIONS', '--to is required'],
      [
        ['upload', '/nonexistent/skewless-dist', '--to', 's3://b', '--json'],
        2,
        'INVALID_OPTIONS',
        'does not exist',
      ],
      [['nope', '--json'], 2, 'INVALID_OPTIONS', "unknown command 'nope'"],
      [
        ['prune', '--to', 's3://skewless/cli', '--keep', '0', '--json'],
        2,
        'INVALID_OPTIONS',
        '--keep must be',
      ],
      // A command without --json still answers a CI that passed it in JSON.
      [['cdn-config', '--provider', 'nginx', '--json'], 2, 'INVALID_OPTIONS', 'unknown option --json'],
    ];
    for (const [args, exit, code, text] of cases) {
      const out = await runCli(built.cli, args, plainEnv());
      expect(out.code, args.join(' ')).toBe(exit);
      const body = JSON.parse(out.stdout);
      expect(body, args.join(' ')).toEqual({
        ok: false,
        error: { code, message: expect.stringContaining(text) },
      });
      expect(body.error.message).toMatch(/^\[skewless\] /);
      // People still read it on stderr.
      expect(out.stderr, args.join(' ')).toContain(text);
    }
    // Without --json, stdout stays empty.
    expect((await runCli(built.cli, ['upload', 'dist'], plainEnv())).stdout).toBe('');
  });

  it('uploads with --json for CI: exit 0, the result on stdout, then a re-run skips everything', async () => {
    const b = await buildDir();
    const first = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/cli', '--html', '--json'],
      s3Env(),
    );
    expect(first.stderr).not.toContain('NodeVersionSupportWarning');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({
      ok: true,
      uploaded: 6,
      skipped: 0,
      conflicts: [],
      target: 's3://skewless/cli',
    });
    expect(result.files.find((f: { path: string }) => f.path === 'assets/index-1a2b3c4d.js')).toMatchObject({
      key: 'cli/assets/index-1a2b3c4d.js',
      class: 'immutable',
      action: 'upload',
    });
    expect((await s3.head('cli/index.html')).CacheControl).toBe('no-cache');

    const again = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/cli', '--html', '--json'],
      s3Env(),
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ uploaded: 0, skipped: 6 });
  });

  it('exits 1 on a conflict, names the key, and --json reports the error code', async () => {
    const b = await buildDir();
    expect((await runCli(built.cli, ['upload', b.dir, '--to', 's3://skewless/clash'], s3Env())).code).toBe(0);
    await b.write('assets/index-1a2b3c4d.js', 'different bytes\n');
    const out = await runCli(built.cli, ['upload', b.dir, '--to', 's3://skewless/clash', '--json'], s3Env());
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: false, error: { code: 'IMMUTABLE_CONFLICT' } });
    expect(out.stderr).toContain('clash/assets/index-1a2b3c4d.js');

    const dry = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/clash', '--dry-run'],
      s3Env(),
    );
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/conflict\s+clash\/assets\/index-1a2b3c4d\.js/);
  });

  it('--dry-run prints the plan and exits 0', async () => {
    const b = await buildDir();
    const out = await runCli(built.cli, ['upload', b.dir, '--to', 's3://skewless/dry', '--dry-run'], s3Env());
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/would upload\s+dry\/assets\/lazy-9a8b7c6d\.js \(immutable/);
    expect(out.stderr).toContain('dry run: would upload 5 file(s)');
    expect((await s3.keys()).some((k) => k.startsWith('dry/'))).toBe(false);
  });

  it('missing credentials: exit 1 and one message naming the variables to set', async () => {
    const b = await buildDir();
    const out = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/nocreds', '--endpoint', s3.server.endpoint],
      plainEnv(),
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(out.stderr).toContain('AWS_PROFILE');
    expect(
      out.stderr
        .trim()
        .split('\n')
        .filter((l) => l.includes('[skewless]') && /no AWS credentials/.test(l)),
    ).toHaveLength(1);
  });

  it('--profile: credentials come from that profile of the AWS config file; without it there are none', async () => {
    const b = await buildDir();
    const home = await mkdtemp(join(tmpdir(), 'skewless-aws-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    // s3rver's fixed development keys, not secrets.
    const config = join(home, 'config');
    await writeFile(
      config,
      `[profile skewless-cli]\nregion = eu-west-3\naws_access_key_id = ${s3.server.accessKeyId}\naws_secret_access_key = ${s3.server.secretAccessKey}\n`,
    );
    const args = [
      'upload',
      b.dir,
      '--to',
      's3://skewless/cliprofile',
      '--endpoint',
      s3.server.endpoint,
      '--json',
    ];
    const env = plainEnv({ AWS_CONFIG_FILE: config });
    const without = await runCli(built.cli, args, env);
    expect(without.code).toBe(1);
    expect(JSON.parse(without.stdout)).toMatchObject({ ok: false, error: { code: 'MISSING_CREDENTIALS' } });

    const out = await runCli(built.cli, [...args, '--profile', 'skewless-cli'], env);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, uploaded: 5 });
    expect((await runCli(built.cli, ['upload', '--help'], env)).stdout).toContain('--profile <name>');
  });

  it('--virtual-host-style puts the bucket in the host name even with an endpoint; with --path-style it is refused', async () => {
    const b = await buildDir();
    // A stand-in server that records where requests go and answers 403, not retried (no S3 needed).
    const seen: { host?: string; url?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ host: req.headers.host, url: req.url });
      res.writeHead(403).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const endpoint = `http://localhost:${(server.address() as AddressInfo).port}`;
    const env = plainEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const args = ['upload', b.dir, '--to', 's3://skewless/vhost', '--endpoint', endpoint, '--json'];

    // Default with an endpoint: path-style, the bucket is the first path segment.
    expect((await runCli(built.cli, args, env)).code).toBe(1);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.url?.startsWith('/skewless') && r.host?.startsWith('localhost:'))).toBe(true);

    seen.length = 0;
    const virtual = await runCli(built.cli, [...args, '--virtual-host-style'], env);
    expect(virtual.code).toBe(1);
    // skewless.localhost either resolves here (then the request arrives with that Host) or it does not
    // (ENOTFOUND); a path-style request to localhost is the one thing it must not be.
    if (seen.length > 0) expect(seen.every((r) => r.host?.startsWith('skewless.localhost:'))).toBe(true);
    else expect(JSON.parse(virtual.stdout).error.message).toContain('ENOTFOUND');

    const both = await runCli(built.cli, [...args, '--virtual-host-style', '--path-style'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--path-style and --virtual-host-style contradict each other');
  });

  it('skewless prune: usage errors exit 2; --json reports kept and dropped releases', async () => {
    const bad = await runCli(built.cli, ['prune', '--to', 's3://skewless/cli', '--keep', '0'], s3Env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--keep must be a whole number ≥ 1 such as 10 (got 0)');
    const age = await runCli(built.cli, ['prune', '--to', 's3://skewless/cli', '--min-age', 'soon'], s3Env());
    expect(age.code).toBe(2);
    expect(age.stderr).toContain("--min-age must be a duration such as 30d, 12h, 90m, 45s or 0, not 'soon'");

    const b = await buildDir();
    await runCli(built.cli, ['upload', b.dir, '--to', 's3://skewless/cliprune', '--html'], s3Env());
    const out = await runCli(
      built.cli,
      ['prune', '--to', 's3://skewless/cliprune', '--keep', '1', '--json'],
      s3Env(),
    );
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, dropped: [], deleted: [] });
    expect(JSON.parse(out.stdout).kept).toHaveLength(1);
  });

  it('--attempts and --retry-delay set how hard a request is retried (503 SlowDown from the AWS-like proxy)', async () => {
    const p = await startAwsProxy(s3.server.endpoint, s3.client, [
      {
        match: (r) => r.method === 'PUT' && r.url.includes('/assets/index-1a2b3c4d.js'),
        fault: 'slowdown',
        times: 2,
      },
    ]);
    cleanups.push(p.close);
    const b = await buildDir();
    const env = { ...s3Env(), AWS_ENDPOINT_URL: p.endpoint };
    const puts = () =>
      p.requests.filter((r) => r.method === 'PUT' && r.url.includes('/assets/index-1a2b3c4d.js')).length;
    // One attempt: the first 503 ends the upload.
    const once = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/attempts', '--attempts', '1'],
      env,
    );
    expect(once.code).toBe(1);
    expect(once.stderr).toMatch(
      /\[skewless\] writing attempts\/assets\/index-1a2b3c4d\.js in s3:\/\/skewless\/attempts at \S+ failed: the server answered 503 SlowDown/,
    );
    expect(once.stderr).not.toContain('unexpected error');
    expect(puts()).toBe(1);
    // Three attempts with a short first delay: the second refusal is retried too, and the file lands.
    const thrice = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/attempts', '--attempts', '3', '--retry-delay', '10'],
      env,
    );
    expect(thrice.code).toBe(0);
    expect(puts()).toBe(3);
    const bad = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/attempts', '--attempts', '0', '--retry-delay', 'soon'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--attempts must be a whole number ≥ 1 such as 5 (got 0)');
    expect(bad.stderr).toContain('--retry-delay must be a whole number ≥ 0 such as 200 (got "soon")');
  });
});
