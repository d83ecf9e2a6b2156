import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { createLogger } from '@skewless/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { startS3 } from './helpers/s3.js';

// Port 9 (discard) on loopback: nothing listens, so every request is ECONNREFUSED at once.
const CLOSED = 'http://127.0.0.1:9';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function buildDir() {
  const b = await makeBuildDir(VITE_LIKE);
  cleanups.push(b.remove);
  return b.dir;
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...stripVTControlCharacters(String(chunk)).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ verbose: true, stream }) };
}

describe('the retry log line', () => {
  it('carries one [skewless] prefix, not one more for the error it quotes', async () => {
    const { lines, logger } = capture();
    const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
    await expect(
      upload({
        dir: await buildDir(),
        to: 's3://b/x',
        endpoint: CLOSED,
        credentials,
        attempts: 2,
        retryDelayMs: 1,
        logger,
      }),
    ).rejects.toMatchObject({ code: 'UNREACHABLE' });
    const retry = lines.find((l) => l.includes('attempt 1 failed'));
    expect(retry).toMatch(/^\[skewless\] attempt 1 failed \(cannot reach s3:\/\/b\/x at /);
    for (const line of lines) expect(line.match(/\[skewless\]/g), line).toHaveLength(1);
  });
});

describe('s3 target errors name both ways to fix them (plugin option and CLI flag)', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('an unreachable endpoint and a missing bucket', async () => {
    const dir = await buildDir();
    const unreachable = (await upload({
      dir,
      to: 's3://skewless/x',
      endpoint: CLOSED,
      credentials: s3.credentials,
      attempts: 1,
    }).catch((e: unknown) => e)) as Error;
    expect(unreachable.message).toContain("Check the 'endpoint' upload option (--endpoint in the CLI)");
    const missing = (await upload({
      dir,
      to: 's3://no-such-bucket/x',
      endpoint: s3.server.endpoint,
      credentials: s3.credentials,
      retryDelayMs: 1,
    }).catch((e: unknown) => e)) as Error;
    expect(missing.message).toMatch(/^\[skewless\] the bucket of s3:\/\/no-such-bucket\/x does not exist/);
    expect(missing.message).toContain(
      "fix the 'to' / 'endpoint' upload options (--to / --endpoint in the CLI)",
    );
  });
});
