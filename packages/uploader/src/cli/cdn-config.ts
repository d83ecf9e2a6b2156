import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { HashCharacters } from '@skewless/core';
import { parseManifest, readManifest, SkewlessError } from '@skewless/core';
import {
  CDN_PROVIDERS,
  type CdnConfigOptions,
  type CdnProvider,
  cdnConfig,
  cdnConfigNotes,
} from '../cdn-config/index.js';
import { parseTarget } from '../targets/parse.js';
import type { Command } from './command.js';
import { EXIT, parseFlags } from './command.js';

const HELP = `Usage: skewless cdn-config --provider <${CDN_PROVIDERS.join('|')}> [options]

Print cache configuration that matches the names @skewless/vite emits: a year only for
content-hashed names, no query string in the cache key, errors never stored, HTML revalidated.

Options:
  --provider <name>          ${CDN_PROVIDERS.join(', ')} (required)
  --manifest <file>          read hash format, base and assetsDir from a Skewless manifest
  --dir <build dir>          the same, from <dir>/.skewless/manifest.json
  --hash-length <n>          characters of hash in names (default: manifest, else 8)
  --hash-characters <set>    hex or base64 (default: manifest, else hex)
  --base <path>              URL path the site is served under (default: manifest base, else /)
  --prefix <path>            URL path of hashed assets (default: base + manifest assetsDir, else base + assets/)
  --no-framework-folders     leave SvelteKit's <base>_app/immutable/ and Astro's <base>_astro/ to the
                             origin's Cache-Control (default: the year for every file there but maps,
                             HTML and dot files, as the upload classes them; with a manifest, only
                             for a folder in which it lists immutable files and nothing else)
  --origin <url>             origin the cache fetches from (default http://127.0.0.1:8080)
  --format <json|terraform>  Cloudflare output format (default json)
  --name <name>              name of the cache zone / policy / ruleset (default skewless)
  --listen <port|addr:port>  nginx listen parameter (default 80); must differ from the origin's
                             port on loopback, or nginx would proxy to itself
  --cache-path <dir>         nginx proxy_cache_path directory (default /var/cache/nginx-<name>);
                             nginx creates only its last directory, the parent must exist
  --to s3://bucket/<prefix>  s3-lifecycle: the site's place in the bucket, as given to upload; every
                             rule's Filter.Prefix sits under <prefix> (default: the whole bucket)
  --temp-prefix <prefix>     s3-lifecycle: temporary keys to expire, under <prefix> (default .skewless/tmp/)
  --help                     show this help

The configuration goes to stdout; notes for JSON outputs go to stderr.`;

const command: Command = async (argv, { logger }) => {
  const { values } = parseFlags(
    {
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        provider: { type: 'string' },
        manifest: { type: 'string' },
        dir: { type: 'string' },
        'hash-length': { type: 'string' },
        'hash-characters': { type: 'string' },
        base: { type: 'string' },
        prefix: { type: 'string' },
        'no-framework-folders': { type: 'boolean' },
        origin: { type: 'string' },
        format: { type: 'string' },
        name: { type: 'string' },
        listen: { type: 'string' },
        'cache-path': { type: 'string' },
        'temp-prefix': { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    },
    'cdn-config',
  );
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const provider = values.provider as CdnProvider | undefined;
  if (!provider || !CDN_PROVIDERS.includes(provider)) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${provider ? `unknown provider '${provider}'` : '--provider is required'}. Use one of: ${CDN_PROVIDERS.join(', ')}.`,
    );
  }
  if (values.format && values.format !== 'json' && values.format !== 'terraform') {
    throw new SkewlessError('INVALID_OPTIONS', `--format must be json or terraform, not '${values.format}'.`);
  }
  let bucketPrefix: string | undefined;
  if (values.to !== undefined) {
    const target = parseTarget(values.to);
    if (provider !== 's3-lifecycle' || target.kind !== 's3') {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `--to is only for --provider s3-lifecycle, as s3://bucket/prefix (got --provider ${provider} --to ${values.to}).`,
      );
    }
    bucketPrefix = target.prefix;
  }
  if (values.manifest && values.dir) {
    throw new SkewlessError('INVALID_OPTIONS', 'pass --manifest or --dir, not both.');
  }

  const manifest = values.manifest
    ? parseManifest(await readFile(resolve(values.manifest), 'utf8'), values.manifest)
    : values.dir
      ? await readManifest(resolve(values.dir))
      : undefined;
  if (values.dir && !manifest) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${values.dir} has no .skewless/manifest.json. Build with @skewless/vite first, or pass --hash-length and --hash-characters.`,
    );
  }

  const options: CdnConfigOptions = {
    manifest,
    base: values.base,
    prefix: values.prefix,
    ...(values['no-framework-folders'] ? { frameworkFolders: false } : {}),
    origin: values.origin,
    format: values.format as CdnConfigOptions['format'],
    name: values.name,
    listen: values.listen,
    cachePath: values['cache-path'],
    tempPrefix: values['temp-prefix'],
    bucketPrefix,
  };
  if (values['hash-length'] || values['hash-characters']) {
    const length = Number(values['hash-length'] ?? manifest?.hash.length ?? 8);
    const characters = (values['hash-characters'] ?? manifest?.hash.characters ?? 'hex') as HashCharacters;
    options.hash = { length, characters };
  }
  const text = cdnConfig(provider, options);
  process.stdout.write(text);
  for (const note of cdnConfigNotes(provider, options)) logger.info(note);
  return EXIT.ok;
};
export default command;
