/** Where a target keeps the record of each uploaded release, relative to its prefix. */
export const RELEASES_DIR = '.skewless/releases';

/** The `current` pointer: `{"release": "<id>"}`, moved once a release's assets are verified. */
export const CURRENT_PATH = '.skewless/current.json';

/** The prune lease: held while a prune decides and deletes, so an upload that starts meanwhile waits. */
export const LEASE_PATH = '.skewless/prune-lease.json';

/**
 * The publish lock: created with a conditional write (`If-None-Match: *`) by the upload that moves the
 * current pointer and publishes documents, removed after its `skewless.json`; another upload waits.
 */
export const PUBLISH_LOCK_PATH = '.skewless/publish-lock.json';

/** A release record's path (`.skewless/releases/<id>.json`): any id upload accepts (manifest-names.ts). */
export const RELEASE_RECORD = new RegExp(
  `^${RELEASES_DIR.replace('.', '\\.')}/[A-Za-z0-9][A-Za-z0-9._-]*\\.json$`,
);

/**
 * The path of a release's record in the target. Written before any asset of the release is sent, so
 * that a prune running meanwhile keeps every file the release references.
 */
export function releaseRecordPath(release: string): string {
  return `${RELEASES_DIR}/${release}.json`;
}

/** Where each release keeps copies of its documents (`<DOCUMENTS_DIR>/<id>/<path>`). */
export const DOCUMENTS_DIR = '.skewless/documents';

/**
 * Where a release's copy of one of its documents is stored, for a rollback without the build. Beside the
 * records, not below `<id>/` next to `<id>.json`: no key is then a prefix of a record's, which keeps a
 * listing of the records one plain range.
 */
export function documentCopyPath(release: string, path: string): string {
  return `${DOCUMENTS_DIR}/${release}/${path}`;
}
