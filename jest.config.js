/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/runtimes"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type-checking is `npm run typecheck`'s job; tests only transpile, which keeps them fast.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    // Script templates are bundled precompiled (build.mjs); the tests load them the same way.
    "^.+\\.hbs$": "<rootDir>/build/jest-template-transform.js",
  },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 120000,
  maxWorkers: 2,
};
