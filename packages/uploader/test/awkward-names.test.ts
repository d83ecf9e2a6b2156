import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { type startS3, useS3 } from './helpers/s3.js';

// File names a build may hold that URL and S3 key encodings get wrong: spaces, unicode, and the
// characters with a meaning in URLs or in S3's signing (#, ?, +, %, &, =, ;). Each is uploaded and read
// back by its exact key, byte for byte, and a re-run sends nothing.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const NAMES = [
  'assets/with space-1a2b3c4d.js',
  'assets/ünïcødé-日本-1a2b3c4e.js',
  'assets/hash#sign-1a2b3c4f.css',
  'assets/question?mark-1a2b3c50.css',
  'assets/plus+sign-1a2b3c51.svg',
  'assets/percent%20literal-1a2b3c52.js',
  'assets/amp&eq=semi;-1a2b3c53.js',
  'assets/empty-1a2b3c54.txt',
  'docs/a b/ü.html',
];

describe('awkward file names', () => {
  for (const withManifest of [true, false]) {
    it(`every name reads back by its exact key (${withManifest ? 'with' : 'without'} a manifest); a re-run sends nothing`, async () => {
      const files = Object.fromEntries(
        NAMES.map((name, i) => [name, name.includes('empty') ? '' : `/* ${name} ${i} */\n`]),
      );
      const b = await makeBuildDir({ ...files, 'index.html': '<!doctype html><title>names</title>' });
      cleanups.push(b.remove);
      if (withManifest) await writeManifest(b.dir, await createManifest({ dir: b.dir }));
      const prefix = `names-${withManifest ? 'm' : 'bare'}`;
      const options = {
        dir: b.dir,
        to: `s3://skewless/${prefix}`,
        endpoint: s3.server.endpoint,
        credentials: s3.credentials,
        html: true,
      };
      const first = await upload(options);
      expect(first.uploaded).toBeGreaterThanOrEqual(NAMES.length + 1);
      for (const [name, body] of Object.entries(files)) {
        const stored = await s3.body(`${prefix}/${name}`).catch((e: Error) => `${name}: ${e.name}`);
        expect(sha(stored), name).toBe(sha(body));
      }
      const again = await upload(options);
      expect(again.uploaded).toBe(0);
    });
  }
});
