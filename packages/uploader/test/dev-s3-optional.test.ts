import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainEnv, runCli } from './helpers/cli.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');

// s3rver is an optional peer dependency: an app that installs @skewless/uploader without it gets the
// CLI's runtime dependencies only. The CLI is copied to a folder outside the workspace whose node_modules
// holds those dependencies and not s3rver, as in such an app.
describe('skewless dev-s3 without s3rver installed', () => {
  let app: string;
  let cli: string;
  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'skewless-no-s3rver-'));
    const { build } = await import('tsup');
    await build({
      entry: { cli: join(PACKAGE, 'src/cli.ts') },
      outDir: join(app, 'cli'),
      format: ['esm'],
      target: 'node20',
      platform: 'node',
      splitting: true,
      dts: false,
      silent: true,
      config: false,
      external: [/^[^./]/],
    });
    cli = join(app, 'cli', 'cli.js');
    // Every runtime dependency the package declares, and none of its optional peers.
    const { dependencies } = JSON.parse(await readFile(join(PACKAGE, 'package.json'), 'utf8'));
    for (const dep of Object.keys(dependencies)) {
      await mkdir(dirname(join(app, 'node_modules', dep)), { recursive: true });
      await symlink(join(PACKAGE, 'node_modules', dep), join(app, 'node_modules', dep));
    }
  });
  afterAll(async () => {
    if (app) await rm(app, { recursive: true, force: true });
  });

  it('prints one [skewless] line naming the install command and exits 2', async () => {
    // `pnpm exec` sets NODE_PATH to pnpm's hoisting folder, which holds s3rver; an app's shell has none.
    const { NODE_PATH: _, ...env } = plainEnv();
    const run = await runCli(cli, ['dev-s3', '--port', '0'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[skewless\] /);
    expect(lines[0]).toContain('npm i -D s3rver');
    expect(run.stderr.match(/\[skewless\]/g)).toHaveLength(1);
  });

  // @aws-sdk/client-cloudfront is an optional peer too, and not linked into this app either.
  it('a CloudFront purge without @aws-sdk/client-cloudfront names its install command, before any upload', async () => {
    const { NODE_PATH: _, ...env } = plainEnv();
    const run = await runCli(
      cli,
      ['upload', join(app, 'no-build'), '--to', 's3://b/app', '--html', '--purge', 'cloudfront:E1'],
      env,
    );
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[skewless\] a CloudFront purge needs/);
    expect(lines[0]).toContain('npm i -D @aws-sdk/client-cloudfront');
    expect(lines[0]).toContain('Nothing was written.');
  });

  it('other commands work without it', async () => {
    const run = await runCli(cli, ['upload', '--help'], plainEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: skewless upload');
  });
});
