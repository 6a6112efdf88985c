'use strict';

const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');
const lwcRecommended = require('@salesforce/eslint-config-lwc/recommended');
const jestPlugin = require('eslint-plugin-jest');

// The softphone (force-app): LWC components and service modules, their Jest tests, the Jest mocks, and the
// Visualforce page's static resources (plain browser scripts).
const LWC_FILES = ['force-app/**/lwc/**/*.js'];
const LWC_TEST_FILES = ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/test/**/__tests__/**/*.js'];

module.exports = tseslint.config(
    {
        ignores: [
            '**/node_modules/**',
            '**/dist/**',
            'coverage/**',
            '.sfdx/**',
            '.sf/**',
            'gateway/bench/.tmp/**'
        ]
    },
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
    ...lwcRecommended.map((config) => ({ ...config, files: LWC_FILES })),
    {
        // The root block's commonjs would reach the LWC parser (Babel), which knows only module/script.
        files: LWC_FILES,
        languageOptions: { sourceType: 'module' }
    },
    {
        files: LWC_TEST_FILES,
        plugins: { jest: jestPlugin },
        languageOptions: {
            sourceType: 'module',
            globals: { ...globals.node, ...globals.jest, ...globals.browser }
        },
        rules: {
            ...jestPlugin.configs['flat/recommended'].rules,
            '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off',
            '@lwc/lwc/no-async-operation': 'off',
            '@lwc/lwc/no-document-query': 'off'
        }
    },
    {
        files: ['force-app/test/**/*.js'],
        ignores: LWC_TEST_FILES,
        extends: [js.configs.recommended],
        languageOptions: { sourceType: 'module', globals: { ...globals.browser, ...globals.jest } }
    },
    {
        files: ['force-app/test/**/__tests__/**/*.js'],
        extends: [js.configs.recommended],
        plugins: { jest: jestPlugin },
        languageOptions: {
            sourceType: 'module',
            globals: { ...globals.browser, ...globals.jest, ...globals.node }
        },
        rules: jestPlugin.configs['flat/recommended'].rules
    },
    {
        files: ['force-app/**/staticresources/**/*.js'],
        extends: [js.configs.recommended],
        languageOptions: {
            sourceType: 'script',
            globals: { ...globals.browser, module: 'readonly', sforce: 'readonly', $Lightning: 'readonly' }
        }
    },
    {
        files: ['jest.config.js', 'jest-sa11y-setup.js'],
        languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } }
    },
    prettier
);
