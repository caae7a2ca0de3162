import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { themeCheckRun } from "@shopify/theme-check-node";
import { repoRoot } from "#/setup/test-env";

// The storefront side of the proxy API: the theme app extension. Shopify runs theme check
// on `shopify app deploy`; it runs here first (the extension's *.extension.toml selects
// the theme-app-extension rules). Offline it uses the rule data bundled with the package.
const extensionDir = path.join(repoRoot, "extensions/ambassadors-theme");
const blockFiles = fs.readdirSync(path.join(extensionDir, "blocks")).filter((f) => f.endsWith(".liquid"));

function blockSchema(file: string): { javascript?: string; stylesheet?: string; target?: string } {
  const source = fs.readFileSync(path.join(extensionDir, "blocks", file), "utf8");
  const match = source.match(/\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/);
  return JSON.parse(match?.[1] ?? "{}");
}

describe("theme app extension", () => {
  it("passes Shopify's theme check", async () => {
    const run = await themeCheckRun(extensionDir, undefined, () => {});
    const offenses = run.offenses.map((o) => `${path.relative(extensionDir, new URL(o.uri).pathname)}: ${o.check}: ${o.message}`);
    expect(offenses).toEqual([]);
    expect(run.theme.length).toBeGreaterThanOrEqual(blockFiles.length);
  });

  it("has app blocks for signup and the portal, each targeting a section", () => {
    expect(blockFiles.sort()).toEqual(["ambassador-portal.liquid", "ambassador-signup.liquid"]);
    for (const file of blockFiles) expect(blockSchema(file).target).toBe("section");
  });

  it("keeps the blocks' JavaScript within 5 KB gzipped, loaded by Shopify with defer", () => {
    const scripts = new Set(blockFiles.map((f) => blockSchema(f).javascript).filter((s): s is string => Boolean(s)));
    let gzipped = 0;
    for (const script of scripts) {
      gzipped += zlib.gzipSync(fs.readFileSync(path.join(extensionDir, "assets", script)), { level: 9 }).length;
    }
    expect(gzipped).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(5 * 1024);
    // Declared in the schema, Shopify adds the script once per page with `defer`; a block
    // must not add a blocking script of its own.
    for (const file of blockFiles) {
      const source = fs.readFileSync(path.join(extensionDir, "blocks", file), "utf8");
      expect(source).not.toMatch(/<script\b[^>]*\bsrc=/);
    }
  });

  it("adds no render-blocking stylesheet: each block inlines the shared styles where it renders", () => {
    for (const file of blockFiles) {
      // A schema `stylesheet` becomes a <link> in <head> that holds up the page's first paint.
      expect(blockSchema(file).stylesheet).toBeUndefined();
      const source = fs.readFileSync(path.join(extensionDir, "blocks", file), "utf8");
      expect(source).toMatch(/\{%-?\s*render\s+'ambassadors-styles'\s*-?%\}/);
    }
    const styles = fs.readFileSync(path.join(extensionDir, "snippets/ambassadors-styles.liquid"), "utf8");
    expect(styles).toMatch(/<style>[\s\S]*\.ambassadors\s*\{[\s\S]*<\/style>/);
  });
});
