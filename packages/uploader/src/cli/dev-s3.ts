import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SkewlessError } from '@skewless/core';
import { startDevS3 } from '../dev-s3.js';
import type { Command } from './command.js';
import { EXIT, parseFlags } from './command.js';

const HELP = `Usage: skewless dev-s3 [--port 4568] [--dir <path>] [--bucket skewless]

Runs a local S3-compatible server (s3rver) on 127.0.0.1 with one bucket, to try Skewless with no cloud
account. Prints the environment to use; stops on Ctrl+C.

Options:
  --port <n>        port on 127.0.0.1 (default 4568; 0 picks a free one)
  --dir <path>      keep objects in this directory (default: a temporary one, removed on exit)
  --bucket <name>   bucket to create (default skewless)
  -h, --help        show this help`;

/**
 * The upload command to try next. It names `dist` only when the working directory has one (Vite's
 * default outDir); otherwise a placeholder, as a shell comment so a pasted block runs nothing wrong.
 */
export function uploadHint(bucket: string, cwd: string = process.cwd()): string {
  const line = (folder: string) => `skewless upload ${folder} --to s3://${bucket}/ --html`;
  return existsSync(join(cwd, 'dist')) ? line('dist') : `# ${line('<your build folder, e.g. dist>')}`;
}

const command: Command = async (argv, { logger }) => {
  const { values } = parseFlags(
    {
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        dir: { type: 'string' },
        bucket: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'dev-s3',
  );
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const port = values.port === undefined ? 4568 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SkewlessError('INVALID_OPTIONS', `--port must be 0–65535, not '${values.port}'.`);
  }
  const server = await startDevS3({ port, dir: values.dir, bucket: values.bucket });
  logger.info(`local S3 server on ${server.endpoint}, bucket '${server.bucket}', objects in ${server.dir}`);
  logger.info('use it from another shell with (s3rver development keys, not secrets):');
  process.stdout.write(
    [
      `export AWS_ENDPOINT_URL=${server.endpoint}`,
      `export AWS_ACCESS_KEY_ID=${server.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${server.secretAccessKey}`,
      `export AWS_REGION=${server.region}`,
      uploadHint(server.bucket),
      '',
    ].join('\n'),
  );
  logger.info('press Ctrl+C to stop.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  logger.info('stopped.');
  return EXIT.ok;
};
export default command;
