import { describe, expect, it } from 'vitest';
import {
  assertOptions,
  HASH_LENGTH,
  hashFormatProblem,
  optionProblems,
  parsePurgeTarget,
} from '../src/index.js';

const upload = (given: unknown, name?: (key: string) => string) =>
  optionProblems(given, { command: 'upload', ...(name ? { name } : {}) });

describe('the one validator of engine options', () => {
  it('passes a complete, valid set of upload options', () => {
    expect(
      upload({
        dir: 'dist',
        to: 's3://bucket/app',
        html: true,
        concurrency: 8,
        requestTimeoutMs: 1000,
        endpoint: 'http://127.0.0.1:4568',
        headers: { 'Content-Language': 'en' },
        credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret', $source: {} },
        // `region: process.env.AWS_REGION` with the variable unset means "the default".
        region: undefined,
      }),
    ).toEqual([]);
  });

  it('reports every problem at once, each naming the option and its fix', () => {
    const problems = upload({ to: 'ftp://x', concurrency: 0, htlm: true, dryRun: 'no' });
    expect(problems).toEqual([
      `'to' must start with s3://<bucket> or file:/// (got "ftp://x"). Example: 's3://my-bucket/app'.`,
      `'concurrency' must be a whole number ≥ 1 such as 16 (got 0).`,
      `unknown option 'htlm'. Did you mean 'html'?`,
      `'dryRun' must be true or false (got "no").`,
      `'dir' is required: the build output directory (or 'tar', a tar of it).`,
    ]);
  });

  it('names options the way the caller shows them (a CLI flag, a plugin option path)', () => {
    expect(upload({ dir: 'd', to: 's3://b', concurrency: 'many' }, (k) => `--${k}`)).toEqual([
      `--concurrency must be a whole number ≥ 1 such as 16 (got "many").`,
    ]);
    expect(
      optionProblems(
        { to: 's3://b', dir: 'mine' },
        { command: 'upload', supplied: { dir: 'the plugin' }, name: (k) => `'upload.${k}'` },
      ),
    ).toEqual([`'upload.dir' is set by the plugin. Remove it.`]);
  });

  it('never echoes a credential or an endpoint that may carry a password', () => {
    const problems = upload({
      dir: 'd',
      to: 's3://b',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAcessKey: 'hunter2-secret' },
      endpoint: 'ftp://user:hunter2-secret@host',
    }).join(' ');
    expect(problems).toContain("'credentials' must be");
    expect(problems).toContain("'endpoint' must be an http(s) URL");
    expect(problems).not.toContain('hunter2');
    expect(problems).not.toContain('AKIAEXAMPLE');
  });

  it('prune has its own keys: upload-only options are unknown, keep and minAgeMs are checked', () => {
    expect(optionProblems({ to: 's3://b', html: true, label: 'v1' }, { command: 'prune' })).toEqual([
      `unknown option 'html'. Remove it or check its spelling.`,
      `unknown option 'label'. Remove it or check its spelling.`,
    ]);
    expect(optionProblems({ to: 's3://b', minAgeMs: -1 }, { command: 'prune' })).toEqual([
      `'minAgeMs' must be a whole number ≥ 0 such as 604800000 (7 days) (got -1).`,
    ]);
    expect(() => assertOptions({ to: 's3://b', keep: 0 }, { command: 'prune' })).toThrow(
      /invalid prune options: 'keep' must be a whole number ≥ 1/,
    );
  });

  it('purge entries: cdn:id[:mode] for upload, rollback and prune, never echoed; publicUrl is an http(s) URL', () => {
    expect(parsePurgeTarget('cloudfront:E2QWRUHAPOMQZL')).toEqual({
      cdn: 'cloudfront',
      distributionId: 'E2QWRUHAPOMQZL',
    });
    expect(parsePurgeTarget('cloudflare:z1')).toEqual({ cdn: 'cloudflare', zoneId: 'z1', by: 'url' });
    expect(parsePurgeTarget('cloudflare:z1:tags')).toEqual({ cdn: 'cloudflare', zoneId: 'z1', by: 'tag' });
    expect(parsePurgeTarget('fastly:s1')).toEqual({ cdn: 'fastly', serviceId: 's1', soft: false });
    expect(parsePurgeTarget('fastly:s1:soft')).toEqual({ cdn: 'fastly', serviceId: 's1', soft: true });
    for (const bad of ['cloudfront:E1:soft', 'fastly:', 'akamai:x', 'cloudflare:a/b', 'fastly:s1:tags'])
      expect(parsePurgeTarget(bad), bad).toHaveProperty('problem');
    const upload = { dir: 'dist', to: 's3://b', html: true };
    expect(
      optionProblems(
        { ...upload, purge: ['fastly:s1'], publicUrl: 'https://a.example/' },
        { command: 'upload' },
      ),
    ).toEqual([]);
    expect(
      optionProblems({ to: 's3://b', release: 'previous', purge: ['fastly:s1'] }, { command: 'rollback' }),
    ).toEqual([]);
    const problems = optionProblems(
      { ...upload, purge: ['fastly:s1', 'fastly:secret-token-x/y'], publicUrl: 'www.example.com' },
      { command: 'upload' },
    );
    expect(problems).toEqual([
      expect.stringMatching(/^'purge' entry 2 must be one of 'cloudfront:<distribution-id>'/),
      expect.stringMatching(/^'publicUrl' must be the documents' public http\(s\) URL/),
    ]);
    expect(problems.join(' ')).not.toContain('secret-token');
    expect(optionProblems({ ...upload, purge: 'fastly:s1' }, { command: 'upload' })[0]).toMatch(
      /^'purge' must be a list of strings/,
    );
    expect(optionProblems({ to: 's3://b', purge: ['fastly:s1'] }, { command: 'prune' })).toEqual([]);
    expect(optionProblems({ to: 's3://b', purge: ['fastly:s1'] }, { command: 'releases' })).toEqual([
      `unknown option 'purge'. Remove it or check its spelling.`,
    ]);
  });

  it('one hash range for every tool: 8 to 21 characters, hex or base64', () => {
    expect(HASH_LENGTH).toEqual({ min: 8, max: 21 });
    expect(hashFormatProblem({ length: 8, characters: 'hex' })).toBeUndefined();
    expect(hashFormatProblem({ length: 21, characters: 'base64' })).toBeUndefined();
    expect(hashFormatProblem({ length: 7, characters: 'hex' })).toMatch(/from 8 to 21/);
    expect(hashFormatProblem({ length: 22, characters: 'hex' })).toMatch(/from 8 to 21/);
    expect(hashFormatProblem({ length: 8, characters: 'base32' as 'hex' })).toMatch(/'hex' or 'base64'/);
  });
});
