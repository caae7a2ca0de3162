import fs from "node:fs";
import zlib from "node:zlib";
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import type { IGraphQLConfig } from "graphql-config";
import { ADMIN_API_VERSION } from "./app/api-version";

// Types come from the real Admin schema: the introspection result shipped in
// @shopify/dev-mcp, committed under test/local-shop/schema. The preset reads
// `<outputDir>/admin-<version>.schema.json` when it exists instead of the network, so
// unpack it there first (app/types is git-ignored).
const outputDir = "./app/types";
const committedSchema = `./test/local-shop/schema/admin_${ADMIN_API_VERSION}.json.gz`;
const schemaFile = `${outputDir}/admin-${ADMIN_API_VERSION}.schema.json`;
if (
  !fs.existsSync(schemaFile) ||
  fs.statSync(schemaFile).mtimeMs < fs.statSync(committedSchema).mtimeMs
) {
  fs.mkdirSync(outputDir, { recursive: true });
  fs.writeFileSync(schemaFile, zlib.gunzipSync(fs.readFileSync(committedSchema)));
}

const config: IGraphQLConfig = {
  projects: {
    default: shopifyApiProject({
      apiType: ApiType.Admin,
      apiVersion: ADMIN_API_VERSION,
      documents: ["./app/**/*.{js,ts,jsx,tsx}", "!./app/types/**"],
      outputDir,
    }),
  },
};

export default config;
