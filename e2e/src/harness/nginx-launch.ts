import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's nginx; override for other layouts. */
export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface NginxInstance {
  port: number;
  url: string;
  /** The prefix directory (config, logs, cache); removed by stop(). */
  prefix: string;
  stop(): Promise<void>;
}

/**
 * Run Debian's nginx as a plain foreground process with its own prefix directory, on a loopback
 * port. `http` is the body of the `http {}` block (upstreams, proxy_cache_path, the server); the
 * placeholder `{{prefix}}` is replaced by the prefix directory. One worker, so the round robin over
 * the origins is strict and a scenario's sequence of upstream choices is reproducible.
 */
export async function launchNginx(options: { port: number; http: string }): Promise<NginxInstance> {
  const prefix = await mkdtemp(join(tmpdir(), 'skewless-nginx-'));
  await mkdir(join(prefix, 'logs'), { recursive: true });
  await mkdir(join(prefix, 'temp'), { recursive: true });
  // As root the worker would drop to `nobody` and could not write the private cache dir (EACCES).
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  const conf = `daemon off;
${user}worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log ${prefix}/logs/access.log;
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
${options.http.replaceAll('{{prefix}}', prefix)}
}
`;
  const confPath = join(prefix, 'nginx.conf');
  await writeFile(confPath, conf);
  const child = spawn(NGINX_PATH, ['-p', prefix, '-c', confPath, '-e', join(prefix, 'logs', 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const stop = async () => {
    await stopChild(child);
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(options.port, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, url: `http://127.0.0.1:${options.port}`, prefix, stop };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(
        `[skewless] nginx exited (code ${child.exitCode}): ${stderr().trim()}. Check the generated config.`,
      );
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`[skewless] nginx did not listen on 127.0.0.1:${port}: ${stderr().trim()}`);
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // QUIT is nginx's graceful stop; the master takes its worker down with it.
    child.kill('SIGQUIT');
  });
}
