import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How the playground is built (see playground/vite.config.ts). */
export type BuildMode = 'plain' | 'query' | 'skewless';
/** v1 and v2 are built once per run; the retention scenario builds 3 and 4 itself. */
export type Release = 1 | 2 | 3 | 4;

/** The playground builds of one run: v1 and v2 of each mode, or why a mode did not build. */
export interface Builds {
  dirs: Partial<Record<`${BuildMode}-${Release}`, string>>;
  errors: Partial<Record<BuildMode, string>>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = join(here, '..', '..');
export const PLAYGROUND_DIR = join(E2E_DIR, '..', 'playground');
/** Per-run scratch space (gitignored). */
export const RUN_DIR = join(E2E_DIR, '.run');
/**
 * Where a run's builds are recorded: set by Playwright's global setup (workers inherit it), so two
 * runs at once (a spec run and the demo) never build into each other's directories.
 */
export const BUILDS_ENV = 'SKEWLESS_E2E_BUILDS';

/**
 * One `vite build` of the playground into `outDir`; `env` adds variables (e.g. SKEWLESS_UPLOAD_TO and
 * AWS credentials, for the plugin's own upload).
 */
export function viteBuild(
  mode: BuildMode,
  release: Release,
  outDir: string,
  env: Record<string, string> = {},
): Promise<void> {
  const vite = join(PLAYGROUND_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    // A child process per build: the config reads its mode from the environment, as in CI.
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: PLAYGROUND_DIR,
      env: {
        ...process.env,
        SKEWLESS_PLAYGROUND_MODE: mode,
        SKEWLESS_PLAYGROUND_VERSION: String(release),
        SKEWLESS_PLAYGROUND_OUT_DIR: outDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += String(c);
    });
    child.stderr.on('data', (c) => {
      output += String(c);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build (${mode}, v${release}) exited with ${code}:\n${output.trim()}`));
    });
  });
}

/**
 * Build the playground as v1 and v2 in every mode into `<root>/<mode>-v<release>`, two builds at a
 * time (CI has two cores). A mode that fails to build is recorded, not thrown: the scenarios that
 * need it report it, the others still run.
 */
export async function buildAll(root = join(RUN_DIR, `builds-${process.pid}`)): Promise<Builds> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const builds: Builds = { dirs: {}, errors: {} };
  const modes: BuildMode[] = ['plain', 'query', 'skewless'];
  await Promise.all(
    modes.map(async (mode) => {
      try {
        for (const release of [1, 2] as const) {
          const dir = join(root, `${mode}-v${release}`);
          await viteBuild(mode, release, dir);
          builds.dirs[`${mode}-${release}`] = dir;
        }
      } catch (error) {
        builds.errors[mode] = (error as Error).message;
      }
    }),
  );
  await writeFile(join(root, 'builds.json'), `${JSON.stringify(builds, null, 2)}\n`);
  process.env[BUILDS_ENV] = join(root, 'builds.json');
  return builds;
}

/** Remove the builds of this run. */
export async function removeBuilds(builds: Builds): Promise<void> {
  const dir = Object.values(builds.dirs)[0];
  if (dir) await rm(dirname(dir), { recursive: true, force: true });
}

/** The builds of this run (written by Playwright's global setup or the demo); builds them when absent. */
export async function loadBuilds(): Promise<Builds> {
  const file = process.env[BUILDS_ENV];
  if (file && existsSync(file)) {
    const builds = JSON.parse(await readFile(file, 'utf8')) as Builds;
    if (Object.values(builds.dirs).every((d) => existsSync(d))) return builds;
  }
  return buildAll();
}

/** The directory of one build, or an error that says why it is missing. */
export function buildDir(builds: Builds, mode: BuildMode, release: Release): string {
  const dir = builds.dirs[`${mode}-${release}`];
  if (!dir) {
    throw new Error(
      `[skewless] the playground did not build in mode "${mode}": ${builds.errors[mode] ?? 'unknown reason'}`,
    );
  }
  return dir;
}
