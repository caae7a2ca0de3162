import {
  getNamedType,
  GraphQLInt,
  isLeafType,
  isObjectType,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { walkOperation } from "./graphql-walk";

/** Shopify's single-query limit; bigger queries are refused, not throttled. */
export const MAX_QUERY_COST = 1000;
/** What each root mutation field costs before its selection. */
export const MUTATION_FIELD_COST = 10;

export function isConnectionType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "edges" in type.getFields();
}

function pageSize(node: FieldNode, variables: Record<string, unknown>): number {
  for (const name of ["first", "last"]) {
    const argument = node.arguments?.find((a) => a.name.value === name);
    if (argument) {
      const value = valueFromAST(argument.value, GraphQLInt, variables);
      if (typeof value === "number") return value;
    }
  }
  return 0;
}

/**
 * Requested cost, computed statically the way Shopify documents it:
 * - scalars and enums: 0
 * - objects, interfaces, unions: 1 (plus their selection)
 * - connections: 2 + (first ?? last ?? 0) × the cost of one node's selection; `edges` and
 *   `pageInfo` are free wrappers, `node`/`nodes` count as one object per item
 * - each root mutation field: 10 (plus its selection)
 * Fragments on several possible types all add up, which slightly over-estimates.
 */
export function calculateQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  // One running total per open field; the bottom entry is the whole operation.
  const totals: number[] = [0];
  walkOperation(schema, document, operation, (typeInfo) => ({
    Field: {
      enter() {
        totals.push(0);
      },
      leave(node) {
        const children = totals.pop() ?? 0;
        const type = typeInfo.getType();
        const parent = typeInfo.getParentType();
        let cost = children;
        if (type) {
          const named = getNamedType(type);
          const isWrapper =
            parent != null && isConnectionType(parent) && (node.name.value === "edges" || node.name.value === "pageInfo");
          if (isLeafType(named)) cost = 0;
          else if (isConnectionType(named)) cost = 2 + pageSize(node, variables) * children;
          else if (!isWrapper) cost = 1 + children;
        }
        if (totals.length === 1 && parent === schema.getMutationType()) cost += MUTATION_FIELD_COST;
        totals[totals.length - 1] += cost;
      },
    },
  }));
  return totals[0];
}
