import { describe, expect, it } from 'vitest';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, plainEnv, runCli, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// No credential, token or secret is ever printed, logged or stored: recognisable fake secrets go into
// every place a user puts them (the AWS environment, a session token, a password in the endpoint URL),
// every command runs, on success and on failure, and all output and every stored object is searched.

const SECRET = 'SkewlessFakeSecretKey0123456789abcdefXYZ';
const TOKEN = 'SkewlessFakeSessionToken9876543210zyxwvu';
const PASSWORD = 'SkewlessFakePassword4242';

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const removals = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

describe('no secret in any output or stored object', () => {
  it('upload, releases, verify, rollback and prune, succeeding and failing, never show the secrets', async () => {
    const env = plainEnv({
      AWS_ENDPOINT_URL: s3.server.endpoint,
      AWS_ACCESS_KEY_ID: s3.server.accessKeyId,
      // s3rver accepts any secret for its key: the secret is used to sign, as with a real server.
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: TOKEN,
      AWS_REGION: 'us-east-1',
    });
    const to = 's3://skewless/secrets';
    const outputs: string[] = [];
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = await runCli(built.cli, args, { ...env, ...extra });
      // What the commands printed (not the command lines, which hold the endpoint as given).
      outputs.push(`${r.stdout}\n${r.stderr}`);
      return r;
    };
    const v1 = await makeBuildDir(VITE_LIKE);
    const v2 = await makeBuildDir({ ...VITE_LIKE, 'assets/extra-7e7e7e7e.js': 'export const extra = 2;\n' });
    removals.push(v1.remove, v2.remove);

    expect((await run(['upload', v1.dir, '--to', to, '--html', '--verbose'])).code).toBe(0);
    expect((await run(['upload', v2.dir, '--to', to, '--html', '--json'])).code).toBe(0);
    expect((await run(['releases', '--to', to, '--json'])).code).toBe(0);
    expect((await run(['releases', '--to', to, '--verbose'])).code).toBe(0);
    expect((await run(['rollback', '--to', to, '--release', 'previous', '--json'])).code).toBe(0);
    expect(
      (await run(['prune', '--to', to, '--keep', '1', '--min-age', '0', '--verbose', '--json'])).code,
    ).toBe(0);
    // Failures: a password in an endpoint that does not answer; a wrong bucket; a usage error.
    const dead = `http://deploy:${PASSWORD}@127.0.0.1:9/`;
    expect(
      (await run(['upload', v1.dir, '--to', to, '--endpoint', dead, '--request-timeout', '300'])).code,
    ).toBe(1);
    expect(
      (await run(['prune', '--to', to, '--endpoint', dead, '--json'], { AWS_ENDPOINT_URL: dead })).code,
    ).toBe(1);
    expect((await run(['upload', v1.dir, '--to', 's3://no-such-bucket-here/x', '--verbose'])).code).toBe(1);
    expect((await run(['upload', v1.dir, '--to', to, '--concurrency', 'x', '--json'])).code).toBe(2);
    expect((await run(['verify', v1.dir, '--base-url', `http://u:${PASSWORD}@127.0.0.1:9/app/`])).code).toBe(
      1,
    );

    const all = outputs.join('\n');
    // The commands did print: the scan looks at real output.
    expect(all).toContain('uploaded');
    for (const secret of [SECRET, TOKEN, PASSWORD]) expect(all).not.toContain(secret);
    // Nor is any stored: records, manifests, document copies, the current pointer.
    const keys = (await s3.keys()).filter((k) => k.startsWith('secrets/'));
    expect(keys.some((k) => k.includes('.skewless/releases/'))).toBe(true);
    for (const key of keys) {
      const body = (await s3.body(key)).toString('latin1');
      for (const secret of [SECRET, TOKEN, PASSWORD]) expect(body, key).not.toContain(secret);
    }
  });
});
