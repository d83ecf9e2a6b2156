import { describe, expect, it } from 'vitest';
import { defaultLabel } from '../src/releases/store.js';

describe("a release's default label: the CI's commit", () => {
  it.each([
    ['GITHUB_SHA'],
    ['CI_COMMIT_SHA'],
    ['BITBUCKET_COMMIT'],
    ['CIRCLE_SHA1'],
    ['BUILDKITE_COMMIT'],
    ['COMMIT_SHA'],
  ])('%s alone names the release', (name) => {
    expect(defaultLabel({ [name]: ' 0a1b2c3d4e5f \n' })).toBe('0a1b2c3d4e5f');
  });

  it("GitHub's variable wins over a generic one; none set gives no label", () => {
    expect(defaultLabel({ COMMIT_SHA: 'generic', GITHUB_SHA: 'github' })).toBe('github');
    expect(defaultLabel({})).toBeUndefined();
  });

  it('a value that is no commit id (spaces, control characters, too long) is passed over', () => {
    expect(defaultLabel({ GITHUB_SHA: 'two words', CI_COMMIT_SHA: 'abc123' })).toBe('abc123');
    expect(defaultLabel({ GITHUB_SHA: 'a\u0007b' })).toBeUndefined();
    expect(defaultLabel({ GITHUB_SHA: 'x'.repeat(101) })).toBeUndefined();
    expect(defaultLabel({ GITHUB_SHA: '' })).toBeUndefined();
  });
});
