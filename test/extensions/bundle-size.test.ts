import { describe, expect, it } from "vitest";
import { measureExtension, UI_EXTENSIONS } from "../../scripts/extension-bundles";

/**
 * Shopify refuses to deploy a UI extension whose bundle is over its limit (64 KB
 * compressed; 128 KB for a full-page customer account extension). The figures are in
 * docs/benchmarks.md; `npx tsx scripts/extension-bundles.ts` prints them.
 */
describe("UI extension bundle sizes", () => {
  it.each(UI_EXTENSIONS.map((e) => [e]))("%s stays within Shopify's limit, even uncompressed", async (extension) => {
    const size = await measureExtension(extension);
    expect(size.gzipBytes).toBeLessThanOrEqual(size.limitBytes);
    expect(size.brotliBytes).toBeLessThanOrEqual(size.limitBytes);
    // Compression is Shopify's to choose: the minified bundle itself fits too.
    expect(size.bytes).toBeLessThanOrEqual(size.limitBytes);
  }, 60_000);

  it("counts the full-page limit only for the full-page extension", async () => {
    expect((await measureExtension("ambassadors-checkout")).limitBytes).toBe(64 * 1024);
    expect((await measureExtension("ambassadors-account")).limitBytes).toBe(128 * 1024);
  }, 60_000);
});
