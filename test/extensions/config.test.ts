import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "~/api-version";
import { repoRoot } from "#/demo/app-config";
import { APP_URL as CHECKOUT_APP_URL } from "../../extensions/ambassadors-checkout/src/app-url.js";
import { APP_URL as ACCOUNT_APP_URL } from "../../extensions/ambassadors-account/src/app-url.js";
import { extensionDir, extensionTargets, UI_EXTENSIONS, type UiExtension } from "../../scripts/extension-bundles";

/**
 * The UI extensions' configuration, as Shopify CLI reads it: the keys its ui_extension
 * schema knows, the app's API version, the targets, network access, and locales that
 * cover every string the code asks for.
 */
const KNOWN_TOP = ["api_version", "extensions"];
const KNOWN_EXTENSION = ["name", "handle", "type", "uid", "description", "targeting", "capabilities", "settings", "metafields"];
const KNOWN_TARGETING = ["target", "module", "default_placement", "default_placement_reference", "export", "tools", "instructions"];
const KNOWN_CAPABILITIES = ["network_access", "api_access", "block_progress", "collect_buyer_consent"];

function readToml(extension: UiExtension) {
  return parse(fs.readFileSync(path.join(extensionDir(extension), "shopify.extension.toml"), "utf8")) as unknown as Record<string, unknown> & {
    api_version: string;
    extensions: Array<Record<string, unknown> & { handle: string; type: string; targeting: Array<Record<string, string>>; capabilities: Record<string, boolean> }>;
  };
}

function keysOf(value: Record<string, unknown>) {
  return Object.keys(value);
}

function flatKeys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => flatKeys(value, prefix ? `${prefix}.${key}` : key));
}

function sourceFiles(extension: UiExtension) {
  const dir = path.join(extensionDir(extension), "src");
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
}

const EXPECTED_TARGETS: Record<UiExtension, string[]> = {
  "ambassadors-checkout": ["purchase.thank-you.block.render", "customer-account.order-status.block.render"],
  "ambassadors-account": ["customer-account.page.render"],
};

describe.each(UI_EXTENSIONS.map((e) => [e]))("%s", (extension) => {
  const toml = readToml(extension);

  it("uses only keys of Shopify CLI's ui_extension schema, on the app's API version", () => {
    expect(KNOWN_TOP).toEqual(expect.arrayContaining(keysOf(toml)));
    expect(toml.api_version).toBe(ADMIN_API_VERSION);
    expect(toml.extensions).toHaveLength(1);
    const [ext] = toml.extensions;
    expect(KNOWN_EXTENSION).toEqual(expect.arrayContaining(keysOf(ext)));
    expect(ext.type).toBe("ui_extension");
    expect(ext.handle).toBe(extension);
    for (const targeting of ext.targeting) expect(KNOWN_TARGETING).toEqual(expect.arrayContaining(keysOf(targeting)));
    expect(KNOWN_CAPABILITIES).toEqual(expect.arrayContaining(keysOf(ext.capabilities)));
  });

  it("declares its targets, with modules that exist, and network access to the app", () => {
    const targets = extensionTargets(extension);
    expect(targets.map((t) => t.target)).toEqual(EXPECTED_TARGETS[extension]);
    for (const t of targets) expect(fs.existsSync(path.join(extensionDir(extension), t.module))).toBe(true);
    expect(toml.extensions[0].capabilities).toEqual({ network_access: true, api_access: false });
  });

  it("depends on @shopify/ui-extensions of the same API version, and Preact", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir(extension), "package.json"), "utf8"));
    const [year, month] = ADMIN_API_VERSION.split("-");
    expect(pkg.dependencies["@shopify/ui-extensions"]).toMatch(new RegExp(`^[~^]?${year}\\.${Number(month)}\\.`));
    expect(pkg.dependencies.preact).toBeDefined();
  });

  it("has English and French strings for every key the code translates", () => {
    const en = flatKeys(JSON.parse(fs.readFileSync(path.join(extensionDir(extension), "locales/en.default.json"), "utf8")));
    const fr = flatKeys(JSON.parse(fs.readFileSync(path.join(extensionDir(extension), "locales/fr.json"), "utf8")));
    expect(fr.sort()).toEqual(en.sort());
    const used = sourceFiles(extension).flatMap((source) => [...source.matchAll(/\bt\("([\w.]+)"\)/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(5);
    for (const key of used) expect(en).toContain(key);
  });
});

describe("the extensions call the app at its configured URL", () => {
  it("equals shopify.app.toml's application_url", () => {
    const appToml = parse(fs.readFileSync(path.join(repoRoot, "shopify.app.toml"), "utf8")) as unknown as { application_url: string };
    const origin = new URL(appToml.application_url).origin;
    expect(CHECKOUT_APP_URL).toBe(origin);
    expect(ACCOUNT_APP_URL).toBe(origin);
  });
});
