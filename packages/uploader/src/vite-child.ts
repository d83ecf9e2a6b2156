import { spawn } from 'node:child_process';
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
export function buildInChild(job: ChildBuild): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: job.root,
      env: { ...process.env, [DETERMINISM_ENV]: '1', [JOB_ENV]: JSON.stringify(job) },
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
          `the build in the copy of the project (${job.root}) failed, so there is nothing to compare. Fix the build ('vite build' must pass), then run check-determinism again; --keep keeps the copy to build in by hand.\n${why}`,
        ),
      );
    });
  });
}
