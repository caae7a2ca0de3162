import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import {
  buildClientSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { ADMIN_API_VERSION } from "../../../app/api-version";

/** The committed introspection result of the real Admin API, plus Shopify's access-scope table. */
export const ADMIN_SCHEMA_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  `admin_${ADMIN_API_VERSION}.json.gz`,
);

interface OfflineScopeItem {
  type: "type" | "field";
  typeName: string;
  fieldName?: string;
  offlineScopes: string[];
}

interface CommittedSchemaFile {
  data: IntrospectionQuery;
  offline_scopes: { items: OfflineScopeItem[] };
}

let committed: CommittedSchemaFile | undefined;
let schema: GraphQLSchema | undefined;
let offlineScopes: Map<string, string[]> | undefined;

function readCommittedFile(): CommittedSchemaFile {
  committed ??= JSON.parse(
    zlib.gunzipSync(fs.readFileSync(ADMIN_SCHEMA_FILE)).toString("utf8"),
  ) as CommittedSchemaFile;
  return committed;
}

/** The real Admin GraphQL schema (built once per process: building it takes a moment). */
export function loadAdminSchema(): GraphQLSchema {
  schema ??= buildClientSchema(readCommittedFile().data, { assumeValid: true });
  return schema;
}

/**
 * Access scopes keyed `Type` (type-level) and `Type.field` (field-level). ANY ONE scope of a
 * list grants access; an empty list (or no entry) means no scope is needed.
 */
export function loadOfflineScopes(): Map<string, string[]> {
  if (!offlineScopes) {
    offlineScopes = new Map();
    for (const item of readCommittedFile().offline_scopes.items) {
      const key =
        item.type === "type" ? item.typeName : `${item.typeName}.${item.fieldName}`;
      offlineScopes.set(key, item.offlineScopes);
    }
  }
  return offlineScopes;
}
