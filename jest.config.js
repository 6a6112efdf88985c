'use strict';

// sfdx-lwc-jest configuration for the softphone (force-app/). Platform modules the components use are pointed at
// the hand-written mocks in force-app/test/jest-mocks; sa11y's toBeAccessible matcher is registered globally.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

const setupFilesAfterEnv = jestConfig.setupFilesAfterEnv || [];
setupFilesAfterEnv.push('<rootDir>/jest-sa11y-setup.js');

module.exports = {
    ...jestConfig,
    moduleNameMapper: {
        '^lightning/messageService$': '<rootDir>/force-app/test/jest-mocks/lightning/messageService'
    },
    setupFilesAfterEnv,
    testRegex: '/__tests__/.*\\.test\\.js$',
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/gateway/'],
    testTimeout: 10000
};
