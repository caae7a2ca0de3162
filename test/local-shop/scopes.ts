import {
  getNamedType,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SourceLocation,
} from "graphql";
import { walkOperation } from "./graphql-walk";

export interface AccessViolation {
  message: string;
  /** Response keys from the root down to the denied field. */
  path: string[];
  locations: SourceLocation[];
  requiredAccess: string;
}

function describe(scopes: string[]): string {
  return scopes.map((s) => `\`${s}\` access scope`).join(" or ");
}

/**
 * Every selected field (and every type a field returns or a fragment names) whose offline
 * scopes are not covered by the granted ones. ANY ONE listed scope grants access.
 */
export function findAccessViolations(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  offlineScopes: Map<string, string[]>,
  hasScope: (scope: string) => boolean,
): AccessViolation[] {
  const violations: AccessViolation[] = [];
  const seen = new Set<string>();
  const path: string[] = [];
  const denied = (key: string) => {
    const scopes = offlineScopes.get(key);
    return scopes && scopes.length > 0 && !scopes.some(hasScope) ? scopes : undefined;
  };
  const report = (fieldName: string, scopes: string[], locations: SourceLocation[]) => {
    const id = `${path.join(".")}|${scopes.join(",")}`;
    if (seen.has(id)) return;
    seen.add(id);
    const requiredAccess = `${describe(scopes)}.`;
    violations.push({
      message: `Access denied for ${fieldName} field. Required access: ${requiredAccess}`,
      path: [...path],
      locations,
      requiredAccess,
    });
  };
  const locationsOf = (node: { loc?: { startToken: { line: number; column: number } } }) =>
    node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : [];

  walkOperation(schema, document, operation, (typeInfo) => ({
    Field: {
      enter(node) {
        path.push(node.alias?.value ?? node.name.value);
        const parent = typeInfo.getParentType();
        const type = typeInfo.getType();
        if (!parent || node.name.value.startsWith("__")) return;
        const fieldScopes = denied(`${parent.name}.${node.name.value}`);
        if (fieldScopes) report(node.name.value, fieldScopes, locationsOf(node));
        const typeScopes = type ? denied(getNamedType(type).name) : undefined;
        if (typeScopes) report(node.name.value, typeScopes, locationsOf(node));
      },
      leave() {
        path.pop();
      },
    },
    InlineFragment(node) {
      const type = typeInfo.getType();
      const typeScopes = node.typeCondition && type ? denied(getNamedType(type).name) : undefined;
      if (typeScopes) report(path[path.length - 1] ?? getNamedType(type!).name, typeScopes, locationsOf(node));
    },
    FragmentDefinition(node) {
      const type = typeInfo.getType();
      const typeScopes = type ? denied(getNamedType(type).name) : undefined;
      if (typeScopes) report(path[path.length - 1] ?? node.name.value, typeScopes, locationsOf(node));
    },
  }));
  return violations;
}
