import { resolve } from 'node:path';
import { createManifest, type Manifest, readManifest } from '@skewless/core';
import { ReleaseStore } from '../releases/store.js';
import { openTarget } from '../targets/open.js';
import { withRetries } from '../targets/retry.js';
import { verifyReachable } from '../upload/reachable.js';
import type { Command } from './command.js';
import { commandArgs, EXIT } from './command.js';
import { checkFlags, TARGET_FLAGS, TARGET_FLAGS_HELP, targetOptions } from './target-flags.js';

const HELP = `Usage: skewless verify --base-url <url> (<build dir> | --to <s3://bucket/prefix | file:///path> [--release <id>])

Requests every immutable file of a release through its public URL (the CDN) and fails unless each
answers 200 with its bytes: what 'skewless upload --base-url' checks before it publishes documents.
The release is the build in <build dir>, or, with --to, the current release the target records (or
--release <id>); with --to only files the target holds are requested, so no probe makes the CDN cache
a 404.

Options:
  --base-url <url>      the build's root through the CDN, e.g. https://cdn.example.com/app/ (required)
  --to <url>            read the release from this upload target instead of a build directory
  --release <id>        with --to: this release instead of the current one
${TARGET_FLAGS_HELP}
  -h, --help            show this help

Exit codes: 0 ok, 1 a file is not served right, 2 usage error.`;

const command: Command = async (argv, { logger }) => {
  const { values, positionals, help, usage } = commandArgs(argv, 'verify', HELP, {
    ...TARGET_FLAGS,
    'base-url': { type: 'string' },
    release: { type: 'string' },
  });
  if (help) return EXIT.ok;
  if (!values['base-url']) throw usage("--base-url is required: the build's public URL through the CDN");
  if ((positionals.length === 1) === (values.to !== undefined))
    throw usage('give either a build directory or --to <target>, not both and not neither');
  let files: Manifest['files'];
  let concurrency: number | undefined;
  if (values.to !== undefined) {
    const options = { ...targetOptions(values, usage), logger };
    checkFlags(options, 'releases', usage);
    concurrency = options.concurrency;
    const target = withRetries(await openTarget(options), { attempts: 5, baseDelayMs: 200 });
    try {
      const store = new ReleaseStore(target);
      const id = values.release ?? (await store.current());
      if (!id) throw usage(`${target.url} has no current release; pass --release <id>`);
      const record = await store.read(id);
      if (!record) throw usage(`${target.url} holds no record of release ${id}`);
      const listing = await target.list(record.manifest.files.map((f) => f.path));
      files = record.manifest.files.filter((f) => listing.has(f.path));
    } finally {
      await target.close();
    }
  } else {
    const dir = resolve(positionals[0]!);
    files = ((await readManifest(dir)) ?? (await createManifest({ dir }))).files;
  }
  const immutable = files.filter((f) => f.class === 'immutable');
  const result = await verifyReachable({ baseUrl: values['base-url'], files: immutable, concurrency });
  if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
  logger.info(`${result.checked} immutable file(s) answer with their bytes through ${result.url}`);
  return EXIT.ok;
};
export default command;
