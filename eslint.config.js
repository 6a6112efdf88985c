'use strict';

const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

module.exports = tseslint.config(
    { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.sfdx/**', '.sf/**'] },
    {
        files: ['**/*.js', '**/*.cjs'],
        extends: [js.configs.recommended],
        languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } }
    },
    {
        files: ['gateway/**/*.js'],
        languageOptions: { sourceType: 'module' }
    },
    {
        files: ['gateway/**/*.ts'],
        extends: [...tseslint.configs.strictTypeChecked, ...tseslint.configs.stylisticTypeChecked],
        languageOptions: {
            parserOptions: {
                project: ['./gateway/tsconfig.test.json'],
                tsconfigRootDir: __dirname
            }
        },
        rules: {
            '@typescript-eslint/switch-exhaustiveness-check': 'error',
            '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
        }
    },
    {
        files: ['gateway/test/**/*.ts'],
        rules: {
            // node:test's describe/it return promises that the runner itself awaits.
            '@typescript-eslint/no-floating-promises': [
                'error',
                {
                    allowForKnownSafeCalls: [
                        { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }
                    ]
                }
            ]
        }
    },
    prettier
);
