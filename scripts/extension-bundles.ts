/**
 * Builds each UI extension as Shopify CLI does (esbuild: one minified ES module with all
 * of the extension's targets, Preact's automatic JSX) and measures it against Shopify's
 * limit: 64 KB compressed per extension, 128 KB for a full-page customer account
 * extension (docs/extensions.md cites the source). Prints the sizes:
 *
 *   npx tsx scripts/extension-bundles.ts
 *
 * test/extensions/bundle-size.test.ts fails when an extension is over its limit; the
 * demo uses `buildTargetScript` to host a target on its preview pages.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { parse } from "smol-toml";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const UI_EXTENSIONS = ["ambassadors-checkout", "ambassadors-account"] as const;
export type UiExtension = (typeof UI_EXTENSIONS)[number];

const KB = 1024;
/** Shopify's compressed limits (API 2025-10 and later). */
export const BUNDLE_LIMIT_BYTES = { default: 64 * KB, fullPage: 128 * KB } as const;

export interface ExtensionTarget {
  target: string;
  module: string;
}

export function extensionDir(extension: UiExtension): string {
  return path.join(repoRoot, "extensions", extension);
}

export function extensionTargets(extension: UiExtension): ExtensionTarget[] {
  const toml = parse(fs.readFileSync(path.join(extensionDir(extension), "shopify.extension.toml"), "utf8")) as unknown as {
    extensions: Array<{ targeting: ExtensionTarget[] }>;
  };
  return toml.extensions.flatMap((e) => e.targeting);
}

export interface BundleSize {
  extension: UiExtension;
  targets: string[];
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
  limitBytes: number;
}

const ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  write: false,
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "silent",
} as const;

/** The extension's bundle: every target's module, as Shopify CLI puts them in one file. */
export async function measureExtension(extension: UiExtension): Promise<BundleSize> {
  const targets = extensionTargets(extension);
  const entry = targets.map((t, i) => `export { default as target${i} } from ${JSON.stringify(t.module)};`).join("\n");
  const result = await build({
    ...ESBUILD_OPTIONS,
    format: "esm",
    stdin: { contents: entry, resolveDir: extensionDir(extension), loader: "js" },
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  const fullPage = targets.some((t) => t.target === "customer-account.page.render" || t.target === "customer-account.order.page.render");
  return {
    extension,
    targets: targets.map((t) => t.target),
    bytes: code.length,
    gzipBytes: zlib.gzipSync(code, { level: 9 }).length,
    brotliBytes: zlib.brotliCompressSync(code).length,
    limitBytes: fullPage ? BUNDLE_LIMIT_BYTES.fullPage : BUNDLE_LIMIT_BYTES.default,
  };
}

/**
 * One target as a classic script that renders into the page's body, for hosting outside
 * Shopify (the demo): the page defines the global `shopify` object first.
 */
export async function buildTargetScript(extension: UiExtension, target: string): Promise<string> {
  const found = extensionTargets(extension).find((t) => t.target === target);
  if (!found) throw new Error(`${extension} has no target ${target}`);
  const result = await build({
    ...ESBUILD_OPTIONS,
    format: "iife",
    stdin: {
      contents: `import run from ${JSON.stringify(found.module)};\nrun();`,
      resolveDir: extensionDir(extension),
      loader: "js",
    },
  });
  return result.outputFiles[0].text;
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const extension of UI_EXTENSIONS) {
    const size = await measureExtension(extension);
    console.log(
      `${extension}: ${kb(size.bytes)} minified, ${kb(size.gzipBytes)} gzip, ${kb(size.brotliBytes)} brotli ` +
        `(limit ${kb(size.limitBytes)} compressed) — ${size.targets.join(", ")}`,
    );
  }
}
