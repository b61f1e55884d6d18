// ESLint: typescript-eslint's type-checked recommended rules over every TypeScript file, zero warnings
// allowed (`npm run lint`, part of `npm test`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PROVIDER_BARREL = {
  name: '@cdktf/provider-aws',
  message: "Import the class by deep path: '@cdktf/provider-aws/lib/<resource>'.",
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'bench/.cdktf.out/', 'coverage/', '**/*.js', '**/*.mjs', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The provider barrel loads ~2,200 modules (seconds per process): import each class by deep path.
      'no-restricted-imports': ['error', { paths: [PROVIDER_BARREL] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // One-way layering (also checked by __tests__/imports.test.ts): a Lambda bundle or the config
    // rules never pull in the constructs; what they share with them lives in shared/.
    files: ['functions/**/*.ts', 'environments/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [PROVIDER_BARREL],
          patterns: [
            {
              regex: '^(\\.\\./)+constructs(/|$)',
              message:
                'functions/, environments/ and shared/ never import constructs/: move the shared code to shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Code tests own their inputs (__tests__/support/environment-builder.ts): only the live-config
    // checks (__tests__/live/) read the shipped environments.
    files: ['__tests__/**/*.ts'],
    ignores: ['__tests__/live/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [PROVIDER_BARREL],
          patterns: [
            {
              regex: '(^|/)environments/(dev|stg|common)$',
              message:
                'A code test builds its own environment (support/environment-builder.ts); only __tests__/live/ reads the shipped ones.',
            },
            {
              regex: '(^|/)environments(/index)?$',
              importNames: ['ENVIRONMENT_INPUTS'],
              message:
                'A code test builds its own environments (support/environment-builder.ts); only __tests__/live/ reads the shipped ones.',
            },
          ],
        },
      ],
      // Code tests assert what they set, by partial matches; the one snapshot is the live stacks'
      // (npm run test:update rewrites __tests__/live only).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name=/^(toMatchSnapshot|toMatchInlineSnapshot|toThrowErrorMatchingSnapshot|toThrowErrorMatchingInlineSnapshot)$/]",
          message:
            'Snapshots belong to the live-config checks (__tests__/live/, rewritten by npm run test:update); a code test asserts the values it set.',
        },
      ],
    },
  },
  {
    // Tests read synthesized JSON and HTTP bodies with JSON.parse and assert their shape with expect().
    files: ['__tests__/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
