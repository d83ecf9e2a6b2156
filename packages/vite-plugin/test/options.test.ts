import { describe, expect, test } from 'vitest';
import type { SkewlessOptions } from '../src/index.js';
import { validateOptions } from '../src/index.js';
import { tempDir, VITE_NAMES, viteBuild } from './helpers/builders.js';
import { readBuiltManifest } from './helpers/manifest.js';

/** The message validateOptions throws for these options ('' when it accepts them). */
function problemsOf(options: unknown): string {
  try {
    validateOptions(options as SkewlessOptions);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('upload options are checked when the config loads, not after the build', () => {
  test("a misspelt key ('htlm') fails with the key it meant, instead of silently not uploading HTML", () => {
    const message = problemsOf({ upload: { to: 's3://b/app', htlm: true } });
    expect(message).toMatch(/^\[skewless\] invalid skewless\(\) options:/);
    expect(message).toContain("unknown option 'upload.htlm'. Did you mean 'upload.html'?");
  });

  test("wrong types fail: a string dryRun ('no' is truthy), a string concurrency, a port as endpoint", () => {
    const message = problemsOf({
      upload: { to: 's3://b/app', dryRun: 'no', html: 'yes', concurrency: 'lots', endpoint: 4568 },
    });
    expect(message).toContain(`'upload.dryRun' must be true or false (got "no")`);
    expect(message).toContain(`'upload.html' must be true or false (got "yes")`);
    expect(message).toContain(`'upload.concurrency' must be a whole number ≥ 1 such as 16 (got "lots")`);
    expect(message).toContain(
      `'upload.endpoint' must be an http(s) URL such as 'http://127.0.0.1:4568' (got 4568)`,
    );
  });

  test('options the plugin supplies (dir, manifest, logger) are refused with the reason', () => {
    const message = problemsOf({ upload: { to: 's3://b/app', dir: 'dist' } });
    expect(message).toContain(`'upload.dir' is set by the plugin (the build's output directory). Remove it.`);
  });

  test('a missing or malformed upload.to still names the accepted forms', () => {
    expect(problemsOf({ upload: { html: true } })).toContain(
      `'upload.to' is required: 's3://bucket/prefix' or 'file:///absolute/path'.`,
    );
    expect(problemsOf({ upload: { to: 's3:/bucket/app' } })).toContain(
      `'upload.to' must start with s3://<bucket> or file:/// (got "s3:/bucket/app")`,
    );
    expect(problemsOf({ upload: 's3://b/app' })).toContain(`'upload' must be an object such as { to:`);
  });

  test('bad credentials are reported without ever echoing a key, a secret or an endpoint password', () => {
    const message = problemsOf({
      upload: {
        to: 's3://b/app',
        endpoint: 'minio.internal:9000/hunter2-endpoint',
        credentials: { accessKey: 'AKIAEXAMPLEKEY', secretKey: 'hunter2-secret' },
      },
    });
    expect(message).toContain(`'upload.credentials' must be { accessKeyId, secretAccessKey, sessionToken? }`);
    expect(message).toContain('AWS_ACCESS_KEY_ID');
    expect(message).toContain(`'upload.endpoint' must be an http(s) URL`);
    expect(message).not.toMatch(/AKIAEXAMPLEKEY|hunter2/);
  });

  test("'upload.profile' names an AWS profile: an empty string or a number fails with an example", () => {
    expect(problemsOf({ upload: { to: 's3://b/app', profile: '' } })).toContain(
      `'upload.profile' must be a profile name from ~/.aws/config such as 'deploy' (got "")`,
    );
    expect(problemsOf({ upload: { to: 's3://b/app', profile: 3 } })).toContain(`'upload.profile' must be`);
  });

  test('a complete, valid upload option passes; an endpoint from an unset variable (undefined) is allowed', () => {
    expect(
      problemsOf({
        upload: {
          to: 's3://skewless/admin',
          endpoint: undefined,
          region: 'auto',
          profile: 'deploy',
          html: true,
          dryRun: false,
          force: false,
          includePrivate: false,
          forcePathStyle: true,
          concurrency: 8,
          attempts: 3,
          retryDelayMs: 0,
          multipartThreshold: 32 * 1024 * 1024,
          acl: 'public-read',
          headers: { 'Content-Language': 'en' },
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
          onProgress: () => {},
        },
      }),
    ).toBe('');
  });
});

test("a misspelt top-level option suggests the real one ('publicSourcemaps' → 'publicSourceMaps')", () => {
  const message = problemsOf({ publicSourcemaps: true, hashlength: 8, frobnicate: 1 });
  expect(message).toContain("unknown option 'publicSourcemaps'. Did you mean 'publicSourceMaps'?");
  expect(message).toContain("unknown option 'hashlength'. Did you mean 'hashLength'?");
  expect(message).toContain("unknown option 'frobnicate'. Remove it or check its spelling.");
});

test('wrong values say what they got', () => {
  const message = problemsOf({ unhashed: 'sw.js', cacheControl: { immutable: 5 }, guard: 'inline' });
  expect(message).toContain(`'unhashed' must be a list of output paths such as ['sw.js'] (got "sw.js")`);
  expect(message).toContain(`'cacheControl.immutable' must be a Cache-Control header value`);
  expect(message).toContain('(got 5)');
  expect(message).toContain(`'guard' must be true, false or an object`);
});

test('guard: true means the default inline guard', () => {
  expect(validateOptions({ guard: true }).guard).toEqual({ mode: 'inline' });
  expect(validateOptions({ guard: false }).guard).toBe(false);
});

describe.each(VITE_NAMES)('unhashed entries with %s', (vite) => {
  test("a source path ('public/robots.txt') that names no output file warns with the output path", async () => {
    const out = await tempDir();
    const warnings: string[] = [];
    const onwarn = (w: { message: string }) => {
      warnings.push(w.message);
    };
    try {
      await viteBuild(vite, {
        outDir: out.dir,
        skewless: { unhashed: ['public/robots.txt'] },
        rollupOptions: { onwarn },
      });
      expect(warnings.join('\n')).toContain(
        "[skewless] 'unhashed' lists 'public/robots.txt' (did you mean 'robots.txt'?), which no file in the output directory has",
      );
      // Not silently what the user meant: robots.txt is classed by name. (Not sw.js: a service worker is
      // a document by its name alone.)
      const manifest = await readBuiltManifest(out.dir);
      expect(manifest.files.find((f) => f.path === 'robots.txt')?.class).toBe('revalidate');
    } finally {
      await out.cleanup();
    }
  });

  test('the output path itself gives no warning and classes the file document', async () => {
    const out = await tempDir();
    const warnings: string[] = [];
    const onwarn = (w: { message: string }) => {
      warnings.push(w.message);
    };
    try {
      await viteBuild(vite, {
        outDir: out.dir,
        skewless: { unhashed: ['robots.txt'] },
        rollupOptions: { onwarn },
      });
      expect(warnings.join('\n')).not.toContain("'unhashed' lists");
      const manifest = await readBuiltManifest(out.dir);
      expect(manifest.files.find((f) => f.path === 'robots.txt')?.class).toBe('document');
    } finally {
      await out.cleanup();
    }
  });
});
