// The local S3 server of `skewless dev-s3` and startDevS3(): s3rver on one address with one bucket.
// CommonJS and plain JavaScript, so the same file is required in-process and run as a child with
// `node --openssl-legacy-provider bin/dev-s3-server.cjs <s3rver path> <settings JSON>` (s3rver's listing
// tokens need the legacy provider; a child gets it without the caller passing flags).
'use strict';
const { createServer } = require('node:http');

/**
 * Start s3rver on `settings.address:settings.port` with `settings.bucket` in `settings.directory`.
 * Listens itself rather than with server.run(), whose listen() leaves EADDRINUSE as an unhandled
 * 'error' event that would take the process down instead of rejecting.
 */
async function start(s3rverPath, settings) {
  const S3rver = require(s3rverPath);
  const server = new S3rver({
    port: settings.port,
    address: settings.address,
    directory: settings.directory,
    silent: true,
    configureBuckets: [{ name: settings.bucket }],
  });
  await server.configureBuckets();
  const http = createServer(server.callback());
  await new Promise((ok, fail) => {
    http.once('error', fail);
    http.listen(settings.port, settings.address, () => {
      http.off('error', fail);
      ok();
    });
  });
  server.httpServer = http;
  http.on('close', () => server.logger.close());
  return {
    port: http.address().port,
    stop: async () => {
      // Keep-alive sockets of SDK clients would hold close() open.
      http.closeAllConnections?.();
      await server.close();
    },
  };
}

module.exports = { start };

// As a child: print the port as one JSON line; stop on SIGTERM/SIGINT or when the parent goes away
// (stdin closes).
if (require.main === module) {
  const [s3rverPath, json] = process.argv.slice(2);
  let stopping = false;
  let running;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.resolve(running?.stop())
      .catch(() => {})
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  start(s3rverPath, JSON.parse(json)).then(
    (started) => {
      running = started;
      process.stdout.write(`${JSON.stringify({ port: started.port })}\n`);
    },
    (error) => {
      process.stderr.write(`${String(error?.message)}\n`);
      process.exit(1);
    },
  );
}
