// Test support: install workspace packages the way a user gets them (packed tarballs, npm, a fresh
// folder outside the workspace), so a test can tell what a user's node_modules really holds.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

export interface PackedApp {
  /** The app folder, with package.json and node_modules. */
  dir: string;
  /** Every package installed in node_modules, sorted (`@aws-sdk/client-s3`, `fast-glob`, …). */
  installed: string[];
  cleanup: () => Promise<void>;
}

/**
 * Pack `packages` (folders under packages/, each built) and npm-install the tarballs into a new folder,
 * peers left out (a test links the bundler it needs itself).
 */
export async function packedInstall(packages: readonly string[]): Promise<PackedApp> {
  const dir = await mkdtemp(join(tmpdir(), 'skewless-packed-'));
  const tarballs = join(dir, '.tarballs');
  await mkdir(tarballs);
  const files: string[] = [];
  for (const name of packages) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(ROOT, 'packages', name),
    });
    files.push(stdout.trim().split('\n').at(-1)!.trim());
  }
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'app', private: true, type: 'module' })}\n`,
  );
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--omit=peer', '--ignore-scripts', '--loglevel=error', ...files],
    { cwd: dir, env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
  return {
    dir,
    installed: await installedPackages(join(dir, 'node_modules')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every package folder below node_modules (nested ones included), by name. */
async function installedPackages(modules: string): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const names = entry.name.startsWith('@')
        ? (await readdir(join(folder, entry.name))).map((n) => `${entry.name}/${n}`)
        : [entry.name];
      for (const name of names) {
        const pkg = join(folder, name);
        const manifest = await readFile(join(pkg, 'package.json'), 'utf8').catch(() => undefined);
        if (manifest === undefined) continue;
        found.add(name);
        await visit(join(pkg, 'node_modules'));
      }
    }
  };
  await visit(modules);
  return [...found].sort();
}
