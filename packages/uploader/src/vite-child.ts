import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DETERMINISM_ENV, SkewlessError } from '@skewless/core';

/** One build of {@link buildInChild}. */
export interface ChildBuild {
  /** URL of the Vite ESM entry to import. */
  vite: string;
  /** The project (its copy): Vite's root and the process's working directory. */
  root: string;
  configFile?: string;
  mode: string;
  outDir: string;
  /**
   * A build command to run instead (a framework's own, such as `react-router build`), through the
   * shell, with the project's `node_modules/.bin` on the PATH; its output folder is its own.
   */
  command?: string;
}

const JOB_ENV = 'SKEWLESS_DETERMINISM_BUILD';

// Runs in the child, as an ES module. The bundler may leave handles open (a plugin's watcher, a
// worker pool): exit once the build has returned, the files are on disk by then.
const CHILD = `
const job = JSON.parse(process.env.${JOB_ENV});
try {
  const { build } = await import(job.vite);
  await build({
    root: job.root,
    configFile: job.configFile,
    mode: job.mode,
    logLevel: 'silent',
    build: { outDir: job.outDir, emptyOutDir: true },
  });
  process.exit(0);
} catch (error) {
  process.stderr.write('\\n' + (error && error.stack ? error.stack : String(error)) + '\\n');
  process.exit(1);
}
`;

/**
 * Build with Vite in a child Node process whose working directory is the project's copy: plugins
 * that compute paths from `process.cwd()` then see the copy too, which no in-process build can give
 * (`process.chdir` is refused in worker threads, and would move every other task of the process).
 * The environment is this one's, with the determinism flag set, so the plugin uploads nothing.
 */
export async function buildInChild(job: ChildBuild): Promise<void> {
  // A script file, not `-e`: Node passes its own flags on to the workers a build starts (SvelteKit
  // analyses and prerenders in workers), and `--input-type` is refused there.
  const scripts = await mkdtemp(join(tmpdir(), 'skewless-build-'));
  const script = join(scripts, 'build.mjs');
  await writeFile(script, CHILD);
  try {
    await runChild(job, script);
  } finally {
    await rm(scripts, { recursive: true, force: true });
  }
}

function runChild(job: ChildBuild, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, [DETERMINISM_ENV]: '1', [JOB_ENV]: JSON.stringify(job) };
    // What a build prints goes nowhere: with --json, stdout carries the report alone.
    const child = job.command
      ? spawn(job.command, {
          cwd: job.root,
          shell: true,
          env: {
            ...env,
            PATH: `${join(job.root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        })
      : spawn(process.execPath, [script], {
          cwd: job.root,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // The end says why it failed; keep that, not a whole log.
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(
        new SkewlessError(
          'INVALID_OPTIONS',
          job.command
            ? `'${job.command}' failed in the copy of the project (${job.root}), so there is nothing to compare. Fix the build (the command must pass in the project), then run check-determinism again; --keep keeps the copy to build in by hand.\n${why}`
            : `the build in the copy of the project (${job.root}) failed, so there is nothing to compare. Fix the build ('vite build' must pass), then run check-determinism again; --keep keeps the copy to build in by hand. A project built by its framework's own command (react-router build, astro build) needs that command: --command '<it>'.\n${why}`,
        ),
      );
    });
  });
}
