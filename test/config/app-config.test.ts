import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "~/api-version";
import { readAppToml, repoRoot } from "#/demo/app-config";

const toml = readAppToml();

describe("shopify.app.toml", () => {
  it("subscribes webhooks on the app's one Admin API version", () => {
    expect(toml.webhookApiVersion).toBe(ADMIN_API_VERSION);
  });

  it("declares the three compliance topics", () => {
    const topics = toml.subscriptions.flatMap((s) => s.topics);
    expect(topics).toEqual(
      expect.arrayContaining(["customers/data_request", "customers/redact", "shop/redact"]),
    );
  });

  it.each(toml.subscriptions.map((s) => [s.uri]))(
    "%s is handled by the route its `# Handled by:` comment names",
    (uri) => {
      const routeFile = `app/routes/${uri.slice(1).replaceAll("/", ".")}.tsx`;
      expect(fs.existsSync(path.join(repoRoot, routeFile))).toBe(true);
      const source = fs.readFileSync(path.join(repoRoot, "shopify.app.toml"), "utf8");
      expect(source).toContain(`# Handled by: /${routeFile}\n`);
    },
  );

  it("sends the app proxy to the app's /apps/ambassadors routes", () => {
    expect(toml.appProxy.pathPrefix).toBe("/apps/ambassadors");
    expect(toml.appProxy.appPath).toBe("/apps/ambassadors");
  });
});

describe("prisma migrations", () => {
  it("are in step with prisma/schema.prisma (write one with `npm run migration:new`)", () => {
    const schema = fs.readFileSync(path.join(repoRoot, "prisma/schema.prisma"), "utf8");
    const snapshot = fs.readFileSync(
      path.join(repoRoot, "prisma/migrations/schema.snapshot.prisma"),
      "utf8",
    );
    expect(schema).toBe(snapshot);
  });
});
