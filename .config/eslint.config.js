// ESLint flat config. Kept in .config/ so the repository's top level stays as DESIGN.md lists it;
// `npm run lint` passes it with --config.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

const forbiddenInCore = [
  "bullmq",
  "ioredis",
  "koa",
  "@koa/*",
  "openai",
  "@datadog/*",
  "pino",
  "node:fs",
  "node:net",
  "node:http",
  "node:child_process",
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.turbo/**",
      "**/coverage/**",
      "test-artifacts/**",
      ".config/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: process.cwd() },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "no-console": "error",
    },
  },
  {
    files: ["packages/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: forbiddenInCore,
              message: "packages/core is pure: no I/O libraries or SDKs (see STYLE.md).",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      "**/*.test.ts",
      "**/test/**/*.ts",
      "bench/**/*.ts",
      "apps/cli/**/*.ts",
      "scripts/**/*.ts",
      "packages/testkit/**/*.ts",
    ],
    rules: { "no-console": "off" },
  },
  prettier,
);
