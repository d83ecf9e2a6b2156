import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A reusable launcher for Debian's nginx as a plain foreground process: its own prefix directory
 * (config, pid, logs, temp files, caches), a loopback port, killed on stop() and when this process exits.
 *
 * The config is either the body of the `http {}` block or a whole configuration (anything with a
 * top-level `http {`). Placeholders: `{{port}}` (the chosen port; the config must listen on
 * `127.0.0.1:{{port}}`) and `{{prefix}}` (the prefix directory; relative paths resolve there too).
 * A whole configuration must not set `daemon`, `pid` or `error_log` at the main level: the launcher does.
 */

/** Debian's nginx; override for other layouts. */
export const NGINX_BIN = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export type NginxConfig = string | ((ctx: { port: number; prefix: string }) => string);

export interface StartNginxOptions {
  /** The `http {}` body or a whole config, with `{{port}}` / `{{prefix}}` placeholders. */
  config: NginxConfig;
  /** The prefix directory. Default: a fresh temporary directory, removed by stop(). */
  dir?: string;
}

export interface NginxInstance {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The prefix directory (nginx.conf, logs/, temp/, caches). */
  prefix: string;
  /** Stop nginx (fast shutdown, SIGKILL after 3 s) and remove a temporary prefix. Idempotent. */
  stop(): Promise<void>;
  /**
   * Check and load a new config (or re-read the current one) without dropping the port: `nginx -t`,
   * then SIGHUP, resolved once the new worker runs. Throws with nginx's output if the config is bad.
   */
  reload(config?: NginxConfig): Promise<void>;
}

const live = new Set<ChildProcess>();
/** Temporary prefix directories still to remove, also when this process exits without stop(). */
const temporaries = new Set<string>();
let hooked = false;

/** Kill every nginx still running when this process ends, also on SIGINT/SIGTERM/SIGHUP. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const child of live) child.kill('SIGTERM');
    for (const dir of temporaries) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      // Re-raise with the default action now that our handler is gone.
      process.kill(process.pid, signal);
    });
  }
}

function render(config: NginxConfig, port: number, prefix: string): string {
  const text = typeof config === 'function' ? config({ port, prefix }) : config;
  const body = text.replaceAll('{{port}}', String(port)).replaceAll('{{prefix}}', prefix);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `    ${t}_temp_path ${prefix}/temp/${t};`)
    .join('\n');
  // Debian's compiled-in temp paths are under /var/lib/nginx; a private prefix keeps runs apart.
  const httpHead = `http {\n    access_log ${prefix}/logs/access.log;\n${temp}\n`;
  // As root, workers would drop to `nobody` and could not write the private cache directory.
  const main = `daemon off;\nmaster_process on;\nworker_processes 1;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/logs/error.log notice;\n${
    process.getuid?.() === 0 ? 'user root root;\n' : ''
  }`;
  if (/^\s*http\s*\{/m.test(body)) return `${main}${body.replace(/^(\s*)http\s*\{/m, `$1${httpHead}`)}`;
  return `${main}events {\n    worker_connections 256;\n}\n${httpHead}${body}\n}\n`;
}

function preparePrefix(dir?: string): { prefix: string; temporary: boolean } {
  const prefix = dir ?? mkdtempSync(join(tmpdir(), 'skewless-nginx-'));
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  mkdirSync(join(prefix, 'temp'), { recursive: true });
  return { prefix, temporary: !dir };
}

function args(prefix: string, conf: string, test = false): string[] {
  return [...(test ? ['-t'] : []), '-p', `${prefix}/`, '-c', conf, '-e', join(prefix, 'logs', 'error.log')];
}

/** Run `nginx -t` on a config (same wrapping and placeholders as startNginx; `{{port}}` becomes 8080). */
export function nginxTest(config: NginxConfig): { ok: boolean; output: string } {
  const { prefix } = preparePrefix();
  try {
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(conf, render(config, 8080, prefix));
    const r = spawnSync(NGINX_BIN, args(prefix, conf, true), { encoding: 'utf8' });
    let log = '';
    try {
      log = readFileSync(join(prefix, 'logs', 'error.log'), 'utf8');
    } catch {}
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${log}`.trim() };
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

/** A port that was free a moment ago on 127.0.0.1 (nginx reads its port from the config, not port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readLog(prefix: string): string {
  try {
    return readFileSync(join(prefix, 'logs', 'error.log'), 'utf8');
  } catch {
    return '';
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // TERM is nginx's fast shutdown: the master stops its workers and exits; tests want no lingering.
    child.kill('SIGTERM');
  });
}

/** Start nginx on a free loopback port; retried on a new port when the chosen one was taken meanwhile. */
export async function startNginx(options: StartNginxOptions): Promise<NginxInstance> {
  hookExit();
  const { prefix, temporary } = preparePrefix(options.dir);
  if (temporary) temporaries.add(prefix);
  const conf = join(prefix, 'nginx.conf');
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const text = render(options.config, port, prefix);
    if (!text.includes(`:${port}`) && !new RegExp(`listen\\s+${port}\\b`).test(text)) {
      throw new Error(
        '[skewless] the nginx config never listens on the chosen port. Use `listen 127.0.0.1:{{port}};` in it.',
      );
    }
    writeFileSync(conf, text);
    const logStart = readLog(prefix).length;
    const child = spawn(NGINX_BIN, args(prefix, conf), { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    let ready = false;
    for (let i = 0; i < 400 && child.exitCode === null && child.signalCode === null; i++) {
      if (await canConnect(port)) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (ready && child.exitCode === null) return instance(child, port);
    await stopChild(child);
    lastError = `${stderr}${readLog(prefix).slice(logStart)}`.trim();
    if (!/Address already in use/.test(lastError)) break;
  }
  if (temporary) {
    rmSync(prefix, { recursive: true, force: true });
    temporaries.delete(prefix);
  }
  throw new Error(
    `[skewless] nginx did not start: ${lastError || 'no output'}. Check the config with nginxTest().`,
  );

  function instance(child: ChildProcess, port: number): NginxInstance {
    let stopped: Promise<void> | undefined;
    return {
      port,
      url: `http://127.0.0.1:${port}`,
      prefix,
      stop() {
        stopped ??= stopChild(child).then(() => {
          if (!temporary) return;
          rmSync(prefix, { recursive: true, force: true });
          temporaries.delete(prefix);
        });
        return stopped;
      },
      async reload(config) {
        if (config !== undefined) {
          const checked = nginxTest(config);
          if (!checked.ok) throw new Error(`[skewless] nginx rejected the new config:\n${checked.output}`);
          writeFileSync(conf, render(config, port, prefix));
        }
        const count = () => readLog(prefix).split('start worker process').length;
        const before = count();
        child.kill('SIGHUP');
        for (let i = 0; i < 400; i++) {
          if (count() > before) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`[skewless] nginx did not reload: ${readLog(prefix).slice(-2000)}`);
      },
    };
  }
}
