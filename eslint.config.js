// ESLint 9 flat config. `npm run lint` (and test/unit/lint.test.ts) runs it over the whole repository.
// - APPSYNC_JS resolvers: @aws-appsync/eslint-plugin's recommended rules. Its type-aware rules
//   (no-recursion, no-disallowed-methods, no-function-passing, ...) need the resolvers' own tsconfig,
//   which has no Node types, so Node-only methods show up as errors too.
// - Everything else written in TypeScript: typescript-eslint's recommended rules.
import appsync from '@aws-appsync/eslint-plugin';
import tseslint from 'typescript-eslint';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = dirname(fileURLToPath(import.meta.url));

/** Resolver code: each file is bundled into one APPSYNC_JS module. */
export const RESOLVER_FILES = ['resolvers/*.ts', 'resolvers/functions/*.ts', 'resolvers/shared/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'cdk.out/**', 'generated/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // Leading underscores mark parameters that an interface requires but the code does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: RESOLVER_FILES,
    ...appsync.configs.recommended,
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { project: 'resolvers/tsconfig.json', tsconfigRootDir: projectRoot },
    },
  },
);
