/**
 * The nginx configuration `skewless cdn-config --provider nginx` prints for a build (same library
 * function the CLI calls), for e2e/src/nginx.ts (`{{port}}`, `{{prefix}}`), fitted to the
 * simulation: the one origin it names becomes the pool, the
 * cache lives in nginx's private prefix, and a header tells which origin answered.
 */
export async function generatedCdnConfig(options: {
  origins: readonly number[];
  buildDir: string;
}): Promise<string> {
  const { cdnConfig, readManifest } = await import('@skewless/uploader');
  const manifest = await readManifest(options.buildDir);
  if (!manifest)
    throw new Error(`[skewless] ${options.buildDir} has no Skewless manifest; build it with @skewless/vite.`);
  const [first, ...rest] = options.origins;
  if (first === undefined)
    throw new Error('[skewless] the generated nginx config needs at least one origin.');
  const text = cdnConfig('nginx', {
    manifest,
    origin: `http://127.0.0.1:${first}`,
    listen: '127.0.0.1:{{port}}',
    cachePath: '{{prefix}}/cache',
  });
  const server = `server 127.0.0.1:${first};`;
  if (!text.includes(server) || !text.includes('server_name _;')) {
    throw new Error('[skewless] the generated nginx config changed shape; update generated-cdn-config.ts.');
  }
  // Round robin over the whole pool, as the seeds' ELB: the config names one origin, the pool has more.
  const pool = [server, ...rest.map((p) => `server 127.0.0.1:${p};`)].join('\n    ');
  return text
    .replace(server, pool)
    .replace('server_name _;', 'server_name _;\n    add_header X-Upstream $upstream_addr always;');
}
