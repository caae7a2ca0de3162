import "@shopify/shopify-api/adapters/node";
import { LogSeverity, shopifyApi, type ApiVersion } from "@shopify/shopify-api";
import { ADMIN_API_VERSION } from "../../../app/api-version";
import { API_KEY, API_SECRET } from "./helpers";

/** Shopify's own library, configured like an embedded app using the local shop. */
export function shopifyApiForTests() {
  return shopifyApi({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    apiVersion: ADMIN_API_VERSION as ApiVersion,
    hostName: "localhost:3999",
    hostScheme: "http",
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  });
}
