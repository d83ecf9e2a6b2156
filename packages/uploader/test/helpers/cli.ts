import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startS3 } from './s3.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundle the CLI from src/ (so the tests never run a stale dist/) into a folder under the package's
 * node_modules, where its bare imports (picocolors, the AWS SDK, s3rver) resolve as they do in dist/.
 * The layout is the package's own: `<out>/dist/cli.js` beside `<out>/bin/` (the dev-s3 server file).
 */
export async function buildCli(): Promise<{ cli: string; remove: () => Promise<void> }> {
  const out = join(
    PACKAGE,
    'node_modules',
    '.cache',
    `skewless-cli-test-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const { build } = await import('tsup');
  await build({
    entry: { cli: join(PACKAGE, 'src/cli.ts') },
    outDir: join(out, 'dist'),
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    dts: false,
    silent: true,
    config: false,
    external: [/^[^./]/],
  });
  await cp(join(PACKAGE, 'bin'), join(out, 'bin'), { recursive: true });
  return { cli: join(out, 'dist', 'cli.js'), remove: () => rm(out, { recursive: true, force: true }) };
}

/** The environment of a plain shell: no legacy-provider flag, no AWS settings from the machine. */
export function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && k !== 'NODE_OPTIONS' && !k.startsWith('VITEST')) env[k] = v;
  }
  return {
    ...env,
    // Never let the SDK's credential chain probe an instance-metadata address from a test.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/skewless-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/skewless-test-credentials',
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * Run the CLI to completion; under `wrapper` (a command and its arguments, such as `setpriv` with the
 * capabilities to drop) when given.
 */
export function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  wrapper: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [command, ...before] = [...wrapper, process.execPath];
    const child = spawn(command as string, [...before, cli, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * One local S3 and one built CLI for a test file: started before its tests (handed to `onStart`), closed
 * after them. Returns the list of cleanups run after each test (temporary directories, servers).
 */
export function useS3AndCli(
  onStart: (s3: Awaited<ReturnType<typeof startS3>>, cli: Awaited<ReturnType<typeof buildCli>>) => void,
): (() => Promise<void>)[] {
  let s3: Awaited<ReturnType<typeof startS3>> | undefined;
  let cli: Awaited<ReturnType<typeof buildCli>> | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    [s3, cli] = await Promise.all([startS3(), buildCli()]);
    onStart(s3, cli);
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await cli?.remove();
    await s3?.close();
  });
  return cleanups;
}

/** The environment a CLI run needs to reach the local S3 (and nothing of the caller's AWS setup). */
export function s3Env(
  s3: Awaited<ReturnType<typeof startS3>>,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return plainEnv({
    AWS_ENDPOINT_URL: s3.server.endpoint,
    AWS_ACCESS_KEY_ID: s3.server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.server.secretAccessKey,
    AWS_REGION: 'us-east-1',
    ...extra,
  });
}
