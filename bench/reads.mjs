// Counts how often the engine opens files below one directory for reading, by wrapping the fs functions
// it reads with (readFile, createReadStream, copyFile, openSync for reading). Installed once; `count(dir, fn)` measures one call.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

let watched;
let opens = 0;
const seen = (path) => {
  if (watched && String(path).startsWith(watched)) opens++;
};
const wrap = (object, name) => {
  const original = object[name];
  object[name] = function (path, ...rest) {
    seen(path);
    return original.call(this, path, ...rest);
  };
};
wrap(fs, 'createReadStream');
// core reads a small file whole on a descriptor of its own (openSync with 'r').
const openSync = fs.openSync;
fs.openSync = function (path, flags, ...rest) {
  if (flags === undefined || flags === 'r') seen(path);
  return openSync.call(this, path, flags, ...rest);
};
wrap(fsp, 'readFile');
wrap(fsp, 'copyFile');
syncBuiltinESMExports();

/** Run `fn` and return its value with the number of reads of files below `dir`. */
export async function countReads(dir, fn) {
  watched = dir;
  opens = 0;
  try {
    const value = await fn();
    return { value, reads: opens };
  } finally {
    watched = undefined;
  }
}
