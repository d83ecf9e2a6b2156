import pc from 'picocolors';

/** The one place the engine writes for people. Everything goes to stderr so stdout stays for `--json`. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Only with `--verbose`. */
  debug(message: string): void;
}

const PREFIX = '[skewless]';

export function createLogger(
  options: { verbose?: boolean; silent?: boolean; stream?: NodeJS.WritableStream } = {},
): Logger {
  const out = options.stream ?? process.stderr;
  const write = (line: string) => {
    if (!options.silent) out.write(`${line}\n`);
  };
  // One prefix a line: a message that quotes an error's message (`attempt 1 failed ([skewless] cannot
  // reach ...)`) would otherwise print it twice.
  const strip = (m: string) => m.replaceAll(`${PREFIX} `, '');
  return {
    info: (m) => write(`${pc.cyan(PREFIX)} ${strip(m)}`),
    warn: (m) => write(`${pc.yellow(PREFIX)} ${pc.yellow(strip(m))}`),
    error: (m) => write(`${pc.red(PREFIX)} ${pc.red(strip(m))}`),
    debug: (m) => {
      if (options.verbose) write(`${pc.dim(PREFIX)} ${pc.dim(strip(m))}`);
    },
  };
}

/** A logger that says nothing (library default when the caller passes none). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
