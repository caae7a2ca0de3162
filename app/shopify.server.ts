import "@shopify/shopify-app-remix/adapters/node";
import {
  AppDistribution,
  shopifyApp,
  type ApiVersion,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { ADMIN_API_VERSION } from "./api-version";
import prisma from "./db.server";

export const apiVersion = ADMIN_API_VERSION as ApiVersion;

const shopify = shopifyApp({
  apiKey: process.env.SHOPIFY_API_KEY,
  apiSecretKey: process.env.SHOPIFY_API_SECRET || "",
  apiVersion,
  scopes: process.env.SCOPES?.split(","),
  appUrl: process.env.SHOPIFY_APP_URL || "",
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    // First install: read the store's order history to find its repeat buyers.
    afterAuth: async ({ session, admin }) => {
      // Installed again after an uninstall: the shop is live; its paused program stays paused.
      const { recordInstall } = await import("./models/Shop/Shop.server");
      await recordInstall(prisma, session.shop, session.scope?.split(",") ?? []);
      const { syncHistoryInBackground } = await import("./jobs/history-sync.server");
      await syncHistoryInBackground(admin.graphql, session.shop, session.scope?.split(",") ?? [], {
        onlyIfNeverSynced: true,
      });
    },
  },
  ...(process.env.SHOP_CUSTOM_DOMAIN
    ? { customShopDomains: [process.env.SHOP_CUSTOM_DOMAIN] }
    : {}),
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;

/** The Admin GraphQL client a loader or action gets from `authenticate.admin`. */
export type AdminGraphqlClient = Awaited<
  ReturnType<typeof authenticate.admin>
>["admin"]["graphql"];
