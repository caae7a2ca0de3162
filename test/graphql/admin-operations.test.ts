import {
  getNamedType,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema, loadOfflineScopes } from "#/local-shop/schema";
import { readAppToml } from "#/demo/app-config";
import { findAppGraphqlDocuments } from "#/utils/app-graphql-documents";

const schema = loadAdminSchema();
const documents = findAppGraphqlDocuments();
const grantedScopes = new Set(readAppToml().scopes);

/** Scopes a document needs that shopify.app.toml does not request (write_x grants read_x). */
function missingScopes(source: string): string[] {
  const offlineScopes = loadOfflineScopes();
  const isGranted = (scope: string) =>
    grantedScopes.has(scope) || grantedScopes.has(scope.replace(/^read_/, "write_"));
  const missing = new Set<string>();
  const require = (key: string) => {
    const anyOf = offlineScopes.get(key);
    if (anyOf && anyOf.length > 0 && !anyOf.some(isGranted)) {
      missing.add(`${key} needs ${anyOf.join(" or ")}`);
    }
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    parse(source),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        require(`${parent.name}.${field.name}`);
        require(getNamedType(field.type).name);
      },
    }),
  );
  return [...missing];
}

describe("the app's Admin API operations", () => {
  it("finds the app's operations", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents.map((d) => [d.file, d.source]))(
    "%s validates against the real Admin API schema",
    (_file, source) => {
      const errors = validate(schema, parse(source)).map((e) => e.message);
      expect(errors).toEqual([]);
    },
  );

  it.each(documents.map((d) => [d.file, d.source]))(
    "%s only needs access scopes that shopify.app.toml requests",
    (_file, source) => {
      expect(missingScopes(source)).toEqual([]);
    },
  );

  it("the scope check notices a field the toml does not cover", () => {
    // Locations need read_locations, which the app does not request.
    expect(missingScopes("query { locations(first: 1) { nodes { id } } }")).toContain(
      "Location needs read_locations or read_inventory or read_markets_home",
    );
  });
});
