import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The runtime is browser code with no dependencies, so it keeps its own copies of the names it shares
// with the build; this test is what keeps the copies equal.
import * as runtime from '../../runtime/src/constants.js';
import {
  CURRENT_PATH,
  DOCUMENTS_DIR,
  documentCopyPath,
  LEASE_PATH,
  PUBLISH_LOCK_PATH,
  RELEASES_DIR,
  releaseRecordPath,
} from '../../uploader/src/releases/paths.js';
import {
  createManifest,
  MANIFEST_PATH,
  RELEASE_FILE,
  RELEASE_META,
  RELEASE_PLACEHOLDER,
} from '../src/index.js';

describe('the contracts between the packages (CONTRIBUTING.md)', () => {
  it('the runtime reads the release file and meta tag under the names the build writes', () => {
    expect(runtime.RELEASE_FILE).toBe(RELEASE_FILE);
    expect(runtime.RELEASE_META).toBe(RELEASE_META);
  });

  it('the stored names stay what deployed buckets and builds already hold', () => {
    expect(MANIFEST_PATH).toBe('.skewless/manifest.json');
    expect(RELEASE_FILE).toBe('skewless.json');
    expect(RELEASE_PLACEHOLDER).toBe('__SKEWLESS_RELEASE__');
    expect(RELEASES_DIR).toBe('.skewless/releases');
    expect(releaseRecordPath('0123456789abcdef')).toBe('.skewless/releases/0123456789abcdef.json');
    expect(CURRENT_PATH).toBe('.skewless/current.json');
    expect(LEASE_PATH).toBe('.skewless/prune-lease.json');
    expect(PUBLISH_LOCK_PATH).toBe('.skewless/publish-lock.json');
    expect(DOCUMENTS_DIR).toBe('.skewless/documents');
    expect(documentCopyPath('0123456789abcdef', 'admin/index.html')).toBe(
      '.skewless/documents/0123456789abcdef/admin/index.html',
    );
  });

  it('a manifest is version 1 with a 16-hex release id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skewless-contract-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      const manifest = await createManifest({ dir });
      expect(manifest.version).toBe(1);
      expect(manifest.release).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
