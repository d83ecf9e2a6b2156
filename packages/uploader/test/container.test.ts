import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env as s3EnvOf, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// The container flow: the build packed inside an image (`skewless pack`), uploaded outside it from a tar
// on standard input or in a file, with the same checks, classes, headers and order as a directory.

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});
const env = () => s3EnvOf(s3);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const written = async (prefix: string) =>
  (await s3.keys()).filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1));

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Run the CLI with `input` on its standard input (a pipe), collecting stdout as bytes. */
function runWithInput(args: string[], input: Buffer | undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [built.cli, ...args], {
      env: env(),
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    if (input) child.stdin!.end(input);
  });
}

/** `skewless pack <dir> | skewless upload - …`: two processes joined by a real pipe, as in the README. */
function packThenUpload(dir: string, uploadArgs: string[]): Promise<[Run, Run]> {
  return new Promise((resolve, reject) => {
    const packer = spawn(process.execPath, [built.cli, 'pack', dir], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const uploader = spawn(process.execPath, [built.cli, 'upload', '-', ...uploadArgs], {
      env: env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    packer.stdout.pipe(uploader.stdin);
    const collect = (child: ReturnType<typeof spawn>) =>
      new Promise<Run>((done) => {
        const out: Buffer[] = [];
        let stderr = '';
        child.stdout!.on('data', (c: Buffer) => out.push(c));
        child.stderr!.on('data', (c: Buffer) => {
          stderr += c.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => done({ code, stdout: Buffer.concat(out), stderr }));
      });
    Promise.all([collect(packer), collect(uploader)]).then(resolve, reject);
  });
}

async function plugInBuild() {
  const b = await makeBuildDir(VITE_LIKE);
  cleanups.push(b.remove);
  await writeManifest(b.dir, await createManifest({ dir: b.dir, writeReleaseFile: true }));
  return b;
}

/** One ustar entry, written by hand: the archives no honest packer makes (`..`, absolute, links). */
function tarEntry(name: string, body: string, type = '0', link = ''): Buffer {
  const header = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number) =>
    header.write(value, offset, length, 'utf8');
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0');
  const data = Buffer.from(body);
  field(name, 0, 100);
  field(octal(0o644, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(type === '0' ? data.length : 0, 12), 124, 12);
  field(octal(0, 12), 136, 12);
  header.fill(' ', 148, 156);
  field(type, 156, 1);
  field(link, 157, 100);
  field('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${octal(sum, 7)}\u0000 `, 148, 8);
  if (type !== '0') return header;
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded]);
}
const tarOf = (...entries: Buffer[]) => Buffer.concat([...entries, Buffer.alloc(1024)]);

describe('the container flow: skewless pack, then skewless upload from a tar', () => {
  it('pack | upload - publishes what a directory upload publishes: same keys, bytes and headers', async () => {
    const b = await plugInBuild();
    const [packed, uploaded] = await packThenUpload(b.dir, ['--to', 's3://skewless/tar-pipe', '--html']);
    expect(packed.stderr).toMatch(/packed \d+ file\(s\)/);
    expect(packed.code).toBe(0);
    expect(uploaded.stderr).toMatch(/uploaded \d+ file\(s\)/);
    expect(uploaded.code).toBe(0);
    const fromDir = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/tar-dir', '--html'],
      env(),
    );
    expect(fromDir.code).toBe(0);

    const keys = await written('tar-pipe');
    expect(keys).toEqual(await written('tar-dir'));
    const manifest = JSON.parse(await readFile(join(b.dir, '.skewless/manifest.json'), 'utf8')) as {
      files: { path: string; class: string }[];
    };
    for (const file of manifest.files.filter((f) => f.class !== 'private')) {
      expect(keys, file.path).toContain(file.path);
      const body = await s3.body(`tar-pipe/${file.path}`);
      expect(sha256(body), file.path).toBe(sha256(await readFile(join(b.dir, file.path))));
      const [a, d] = await Promise.all([s3.head(`tar-pipe/${file.path}`), s3.head(`tar-dir/${file.path}`)]);
      expect([a.CacheControl, a.ContentType], file.path).toEqual([d.CacheControl, d.ContentType]);
    }
    expect((await s3.head('tar-pipe/assets/lazy-9a8b7c6d.js')).CacheControl).toContain('immutable');
    expect((await s3.head('tar-pipe/index.html')).CacheControl).not.toContain('immutable');
  });

  it('pack is reproducible: two packs of one build are byte-identical, the manifest inside', async () => {
    const b = await plugInBuild();
    const [one, two] = [
      await runWithInput(['pack', b.dir], undefined),
      await runWithInput(['pack', b.dir], undefined),
    ];
    expect(one.code).toBe(0);
    expect(one.stdout.length).toBeGreaterThan(1024);
    expect(sha256(one.stdout)).toBe(sha256(two.stdout));
    expect(one.stdout.includes(Buffer.from('.skewless/manifest.json'))).toBe(true);
  });

  it('--from-tar takes a gzipped tar that wraps the build in one folder (docker cp), and says it unwrapped it', async () => {
    const b = await plugInBuild();
    const work = await mkdtemp(join(tmpdir(), 'skewless-tar-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    // `docker cp container:/app/dist -` wraps the files in `dist/`: pack a folder holding the build.
    const parent = join(work, 'parent');
    await mkdir(parent);
    await import('node:fs/promises').then((fs) => fs.cp(b.dir, join(parent, 'dist'), { recursive: true }));
    const { create } = await import('tar');
    const plain = join(work, 'plain.tar');
    await create({ cwd: parent, file: plain, portable: true }, ['dist']);
    const gz = join(work, 'build.tar.gz');
    await writeFile(gz, gzipSync(await readFile(plain)));

    const run = await runCli(
      built.cli,
      ['upload', '--from-tar', gz, '--to', 's3://skewless/tar-gz', '--html'],
      env(),
    );
    expect(run.stderr).toContain('the tar holds the build inside dist/');
    expect(run.code).toBe(0);
    expect(await written('tar-gz')).toContain('assets/lazy-9a8b7c6d.js');
    expect(await written('tar-gz')).not.toContain('dist/index.html');
    expect((await s3.body('tar-gz/index.html')).toString()).toBe(VITE_LIKE['index.html']);
  });

  it('a tar whose files do not match its manifest is refused by name, nothing written', async () => {
    const b = await plugInBuild();
    const { create } = await import('tar');
    const files = [...Object.keys(VITE_LIKE), 'skewless.json', '.skewless/manifest.json'];
    await b.write('assets/lazy-9a8b7c6d.js', 'export const lazy = 2;\n');
    const tar = join(b.dir, '..', `stale-${randomBytes(4).toString('hex')}.tar`);
    cleanups.push(() => rm(tar, { force: true }));
    await create({ cwd: b.dir, file: tar, portable: true }, files);
    const run = await runCli(
      built.cli,
      ['upload', '--from-tar', tar, '--to', 's3://skewless/tar-stale', '--html'],
      env(),
    );
    expect(run.stderr).toContain('assets/lazy-9a8b7c6d.js (other bytes than the manifest says');
    expect(run.code).not.toBe(0);
    expect(await written('tar-stale')).toEqual([]);
  });

  const escaped = `skewless-escape-${randomBytes(4).toString('hex')}.js`;
  const hostile: [string, Buffer, RegExp][] = [
    [
      'a path that climbs out with ..',
      tarOf(tarEntry(`../${escaped}`, 'pwned')),
      /a path that climbs out with \.\./,
    ],
    ['an absolute path', tarOf(tarEntry(`/tmp/${escaped}`, 'pwned')), /an absolute path/],
    [
      'a symbolic link',
      tarOf(
        tarEntry('index.html', '<!doctype html>'),
        tarEntry('assets/app-1a2b3c4d.js', '', '2', '/etc/passwd'),
      ),
      /'assets\/app-1a2b3c4d\.js' is a symbolic link \(→ \/etc\/passwd\)/,
    ],
    [
      'a hard link',
      tarOf(
        tarEntry('index.html', '<!doctype html>'),
        tarEntry('assets/app-1a2b3c4d.js', '', '1', 'index.html'),
      ),
      /is a hard link/,
    ],
    [
      'a second copy of one file',
      tarOf(tarEntry('assets/app-1a2b3c4d.js', 'one'), tarEntry('./assets/app-1a2b3c4d.js', 'two')),
      /a second copy of a file already in the tar/,
    ],
    [
      'bytes that are no tar',
      Buffer.from('this is not a tar archive at all, just text\n'.repeat(40)),
      /the tar could not be read|holds no files/,
    ],
  ];
  it.each(hostile)(
    'a tar with %s is refused on standard input: exit 2, named, nothing written anywhere',
    async (_what, tar, message) => {
      const prefix = `tar-hostile-${randomBytes(3).toString('hex')}`;
      const run = await runWithInput(['upload', '-', '--to', `s3://skewless/${prefix}`, '--html'], tar);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/Nothing was uploaded/);
      expect(run.code).toBe(2);
      expect(await written(prefix)).toEqual([]);
      expect(existsSync(join(tmpdir(), escaped))).toBe(false);
      expect(existsSync(join('/tmp', escaped))).toBe(false);
    },
  );

  it('an empty standard input is refused: the tar holds no files', async () => {
    const run = await runWithInput(['upload', '-', '--to', 's3://skewless/tar-empty'], Buffer.alloc(0));
    expect(run.stderr).toMatch(/holds no files|could not be read/);
    expect(run.code).toBe(2);
    expect(await written('tar-empty')).toEqual([]);
  });

  it('pack refuses a build whose files do not match its manifest before writing a byte', async () => {
    const b = await plugInBuild();
    await b.write('assets/lazy-9a8b7c6d.js', 'export const lazy = 2;\n');
    const run = await runWithInput(['pack', b.dir], undefined);
    expect(run.stderr).toContain('assets/lazy-9a8b7c6d.js');
    expect(run.code).not.toBe(0);
    expect(run.stdout.length).toBe(0);
  });
});
