import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface WebhookSubscription {
  topics: string[];
  uri: string;
}

interface AppToml {
  name: string;
  access_scopes: { scopes: string };
  webhooks: {
    api_version: string;
    subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }>;
  };
  app_proxy: { url: string; subpath: string; prefix: string };
}

/** shopify.app.toml, read the way Shopify reads it, so the demo and tests follow it too. */
export function readAppToml(file = path.join(repoRoot, "shopify.app.toml")) {
  const toml = parse(fs.readFileSync(file, "utf8")) as unknown as AppToml;
  const subscriptions: WebhookSubscription[] = toml.webhooks.subscriptions.map((s) => ({
    topics: [...(s.topics ?? []), ...(s.compliance_topics ?? [])],
    uri: s.uri,
  }));
  return {
    name: toml.name,
    scopes: toml.access_scopes.scopes.split(",").map((s) => s.trim()).filter(Boolean),
    webhookApiVersion: toml.webhooks.api_version,
    subscriptions,
    /** topic → uri, as the local shop needs it to deliver webhooks. */
    webhookUris: Object.fromEntries(
      subscriptions.flatMap((s) => s.topics.map((topic) => [topic, s.uri])),
    ) as Record<string, string>,
    appProxy: {
      pathPrefix: `/${toml.app_proxy.prefix}/${toml.app_proxy.subpath}`,
      appPath: new URL(toml.app_proxy.url).pathname,
    },
  };
}
