// Benchmark: a cold upload of a build to a local S3 server (s3rver on loopback), then the re-run
// that must send no PUT. s3rver is slower than real S3 per request; the figures compare runs, not services.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifest, startDevS3, upload, writeManifest } from '@skewless/uploader';
import { measure } from './measure.mjs';
import { countReads } from './reads.mjs';

export async function benchUpload({ files = 500, bytes = 8 * 1024 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'skewless-bench-upload-'));
  const s3 = await startDevS3({ port: 0 });
  try {
    await mkdir(join(dir, 'assets'));
    for (let i = 0; i < files; i++) {
      const hash = (0x10000000 + i).toString(16);
      await writeFile(join(dir, 'assets', `chunk${i}-${hash}.js`), Buffer.alloc(bytes, i % 251));
    }
    await writeFile(join(dir, 'index.html'), '<html></html>');
    // The plugin flow: the build directory carries its manifest, so no row includes hashing it.
    await writeManifest(dir, await createManifest({ dir }));
    const sent = files + 1;
    // Opens of build files per file sent or checked: what a re-read costs on a cold page cache.
    const per = (r) => `${(r.reads / sent).toFixed(1)} reads/file`;
    const options = {
      dir,
      to: `s3://${s3.bucket}/bench`,
      html: true,
      endpoint: s3.endpoint,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    };
    const cold = await measure(() => countReads(dir, () => upload(options)));
    const warm = await measure(() => countReads(dir, () => upload(options)));
    const mib = (files * bytes) / 1024 / 1024;
    const target = await mkdtemp(join(tmpdir(), 'skewless-bench-target-'));
    const local = await measure(() =>
      countReads(dir, () => upload({ dir, to: `file://${target}`, html: true })),
    );
    await rm(target, { recursive: true, force: true });
    return [
      {
        name: `upload, cold: ${files} files of ${bytes / 1024} KiB to a file:// target (engine overhead)`,
        ms: local.ms,
        rate: `${Math.round((local.value.value.uploaded / local.ms) * 1000)} files/s, ${per(local.value)}`,
        heapMiB: local.heapMiB,
      },
      {
        name: `upload, cold: ${files} files of ${bytes / 1024} KiB to s3rver`,
        ms: cold.ms,
        rate: `${Math.round((cold.value.value.uploaded / cold.ms) * 1000)} files/s, ${(mib / (cold.ms / 1000)).toFixed(1)} MiB/s, ${per(cold.value)}`,
        heapMiB: cold.heapMiB,
      },
      {
        name: `upload, re-run: ${warm.value.value.uploaded} PUTs, ${warm.value.value.skipped} skipped`,
        ms: warm.ms,
        rate: `${Math.round((files / warm.ms) * 1000)} files/s checked, ${per(warm.value)}`,
        heapMiB: warm.heapMiB,
      },
    ];
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}
