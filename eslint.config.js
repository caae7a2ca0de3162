import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", ".cache/", "node_modules/", "app/types/", "test-results/", ".data/", "extensions/**/assets/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // UI extensions (Preact + Polaris web components), run by Shopify with a global `shopify`.
    files: ["extensions/**/*.{js,jsx}"],
    languageOptions: {
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: { ...globals.browser, shopify: "readonly" },
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/tests/**", "app/**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          // Patterns use .gitignore syntax: "\\#" is a literal "#", not a comment.
          patterns: [
            { group: ["**/test/**", "\\#/**", "**/local-shop/**"], message: "app/ must not import test code or the local shop." },
          ],
        },
      ],
    },
  },
);
