import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.ts';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: {
    name: 'origin',
    include: ['test/**/*.test.ts'],
  },
});
