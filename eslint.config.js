// Lint rules for the whole project (typescript-eslint's type-aware recommended set): `npm run lint`,
// and part of `npm test`, so a floating promise or an unsafe cast cannot land unnoticed.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "client/dist/", "server/dist/", "test-artifacts/", "vitest.config.ts", "client/vite.config.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false, properties: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read settings in server/src/config.ts (or the script's own entry point), not ad hoc.",
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "better-sqlite3",
              message:
                "Use the metadata store's Kysely (server/src/meta/store.ts). Its SQLite dialect serialises all queries on one connection, and a direct better-sqlite3 call would run inside whatever transaction is open.",
            },
          ],
        },
      ],
    },
  },
  {
    // The one place that opens the SQLite database and runs its migrations.
    files: ["server/src/meta/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Entry points, scripts and tests may read the environment; the server reads it once in config.ts.
    files: ["server/src/config.ts", "scripts/**", "tests/**", "sensors-sim/src/cli.ts", "eslint.config.js"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Tests read JSON answers whose shape is what they assert.
    files: ["tests/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: "readonly", console: "readonly", URL: "readonly" },
    },
  },
);
