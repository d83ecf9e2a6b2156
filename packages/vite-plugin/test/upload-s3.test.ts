import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDevS3 } from '@skewless/uploader';
import { expect, test } from 'vitest';
import { tempDir, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

// Its own file: the AWS SDK warns once per process, so no other test may load it first in this worker.
test('an s3:// upload from vite build reaches the bucket without the AWS SDK Node-version notice (real s3rver)', async () => {
  const work = await tempDir();
  const s3 = await startDevS3({ dir: join(work.dir, 's3') });
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    const outDir = join(work.dir, 'dist');
    await viteBuild('vite8', {
      outDir,
      skewless: {
        upload: {
          to: `s3://${s3.bucket}/app`,
          endpoint: s3.endpoint,
          region: s3.region,
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
          html: true,
        },
      },
    });
    // process.emitWarning delivers on the next tick.
    await new Promise((done) => setTimeout(done, 50));
    const manifest = await readBuiltManifest(outDir);
    for (const file of manifest.files.filter((f) => f.class !== 'private'))
      expect(existsSync(join(s3.dir, s3.bucket, 'app', `${file.path}._S3rver_object`)), file.path).toBe(true);
    expect(warnings.filter((w) => w.includes('NodeVersionSupportWarning'))).toEqual([]);
  } finally {
    process.off('warning', onWarning);
    await s3.close();
    await work.cleanup();
  }
});
