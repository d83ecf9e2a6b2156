// Reproducible build directories for the side-by-side runs: the same seed gives the same files,
// byte for byte, on every machine, so two runs (or two people) measure the same work.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifest, writeManifest } from '@skewless/uploader';
import { prng } from '../prng.mjs';

/** Bytes that compress like code and differ per file (so a CDN or server cannot deduplicate them). */
function body(index, size, generation) {
  const line = `export const v${index}_${generation} = ${JSON.stringify(`file ${index} gen ${generation}`)};\n`;
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += line.length) out.write(line, at);
  return out;
}

const hashOf = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 8);

/**
 * A build of `files` hashed assets of 300 B–120 KB (sizes spread by the seed) plus index.html, with
 * the manifest the plugin would write. `changed` of them (the first ones) get new bytes, so new
 * names: the "10 % changed" deploy.
 */
export async function makeBuild({ files = 2000, seed = 1, changed = 0, name = 'build' } = {}) {
  const dir = await mkdtemp(join(tmpdir(), `skewless-bench-${name}-`));
  const random = prng(seed);
  await mkdir(join(dir, 'assets'));
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const size = 300 + Math.floor(random() ** 3 * (120_000 - 300));
    const data = body(i, size, i < changed ? 2 : 1);
    bytes += size;
    await writeFile(join(dir, 'assets', `chunk${i}-${hashOf(data)}.js`), data);
  }
  await writeFile(join(dir, 'index.html'), `<!doctype html><title>bench ${changed}</title>`);
  await writeManifest(dir, await createManifest({ dir }));
  return { dir, files: files + 1, bytes };
}

/** Large files for the multipart rows: `count` files of `mib` MiB each. */
export async function makeLargeBuild({ count = 8, mib = 128 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'skewless-bench-large-'));
  await mkdir(join(dir, 'assets'));
  for (let i = 0; i < count; i++) {
    const data = body(i, mib * 1024 * 1024, 1);
    await writeFile(join(dir, 'assets', `blob${i}-${hashOf(data)}.bin`), data);
  }
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>large</title>');
  await writeManifest(dir, await createManifest({ dir }));
  return { dir, files: count + 1, bytes: count * mib * 1024 * 1024 };
}
