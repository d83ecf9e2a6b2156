import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadOptions } from '@skewless/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { type Recorded, startRecordingProxy, startS3 } from './helpers/s3.js';

// Its own file: these tests set AWS_* variables of this process, which the SDK reads on every client.
let s3: Awaited<ReturnType<typeof startS3>>;
let home: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  s3 = await startS3();
  home = await mkdtemp(join(tmpdir(), 'skewless-aws-'));
  // s3rver's fixed development keys, not secrets; in a profile that only these tests name.
  await writeFile(
    join(home, 'config'),
    [
      '[profile skewless-test]',
      'region = eu-west-3',
      `aws_access_key_id = ${s3.credentials.accessKeyId}`,
      `aws_secret_access_key = ${s3.credentials.secretAccessKey}`,
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await s3?.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => {
  // Nothing from the machine: no keys, no region, no profile; the SDK never probes instance metadata.
  for (const k of Object.keys(process.env).filter((k) => k.startsWith('AWS_'))) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_CONFIG_FILE = join(home, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'no-credentials');
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
});
afterEach(() => {
  for (const k of Object.keys(process.env).filter((k) => k.startsWith('AWS_'))) delete process.env[k];
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
});

/** The region a request was signed for (the SigV4 credential scope), never the key itself. */
function signedRegion(r: Recorded): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(String(r.headers.authorization))?.[1];
}

/** Upload one small file through a recording proxy; the regions every request was signed for. */
async function regionsOf(extra: Partial<UploadOptions>) {
  const b = await makeBuildDir({ 'assets/a-1a2b3c4d.js': 'a\n' });
  const p = await startRecordingProxy(s3.server.endpoint);
  try {
    await upload({ dir: b.dir, to: 's3://skewless/region', endpoint: p.endpoint, retryDelayMs: 1, ...extra });
    return [...new Set(p.requests.map(signedRegion))];
  } finally {
    await p.close();
    await b.remove();
  }
}

describe('region and profile of the S3 client (real s3rver, signatures read by a recording proxy)', () => {
  it('with an endpoint and no region anywhere, requests are signed for us-east-1', async () => {
    expect(await regionsOf({ credentials: s3.credentials })).toEqual(['us-east-1']);
  });

  it('AWS_REGION is honoured when an endpoint is set', async () => {
    process.env.AWS_REGION = 'ap-south-1';
    expect(await regionsOf({ credentials: s3.credentials })).toEqual(['ap-south-1']);
  });

  it('an explicit region wins over AWS_REGION', async () => {
    process.env.AWS_REGION = 'ap-south-1';
    expect(await regionsOf({ credentials: s3.credentials, region: 'eu-north-1' })).toEqual(['eu-north-1']);
  });

  it('the profile option gives the client its credentials and its region (was us-east-1 with an endpoint)', async () => {
    expect(await regionsOf({ profile: 'skewless-test' })).toEqual(['eu-west-3']);
  });

  it('AWS_PROFILE reaches the region too, through the SDK chain', async () => {
    process.env.AWS_PROFILE = 'skewless-test';
    expect(await regionsOf({})).toEqual(['eu-west-3']);
  });

  it('AWS_DEFAULT_REGION still counts when the SDK chain has none', async () => {
    process.env.AWS_DEFAULT_REGION = 'sa-east-1';
    expect(await regionsOf({ credentials: s3.credentials })).toEqual(['sa-east-1']);
  });

  it('an empty profile is an options error', async () => {
    await expect(regionsOf({ profile: '' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
