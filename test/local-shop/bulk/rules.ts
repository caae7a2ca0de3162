import {
  getNamedType,
  getNullableType,
  isListType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { isConnectionType } from "../cost";
import { walkOperation } from "../graphql-walk";

export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_CONNECTION_DEPTH = 2;

export interface BulkQueryProblem {
  field: string[];
  message: string;
  code: "INVALID";
}

export interface CheckedBulkQuery {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

const problem = (message: string): BulkQueryProblem => ({ field: ["query"], message, code: "INVALID" });

interface Frame {
  kind: "connection" | "edges" | "node" | "field";
  isList: boolean;
  hasId: boolean;
  nestedConnections: string[];
}

/**
 * Shopify's rules for `bulkOperationRunQuery`: a valid query document with one top-level
 * field, at least one and at most five connections, connections nested at most two deep,
 * nested connections only under nodes that select `id` (it becomes `__parentId`), and no
 * connection inside a plain list.
 */
export function checkBulkQuery(schema: GraphQLSchema, query: string): CheckedBulkQuery | { problems: BulkQueryProblem[] } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { problems: [problem(`Invalid bulk query: ${(error as Error).message}`)] };
  }
  const errors = validate(schema, document);
  if (errors.length) return { problems: errors.map((e) => problem(`Invalid bulk query: ${e.message}`)) };

  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return { problems: [problem("Bulk queries must contain exactly one operation.")] };
  const operation = operations[0];
  if (operation.operation !== "query") return { problems: [problem("Bulk queries must be query operations.")] };
  if (operation.variableDefinitions?.length) return { problems: [problem("Bulk queries cannot use variables.")] };
  if (operation.selectionSet.selections.length !== 1 || operation.selectionSet.selections[0].kind !== Kind.FIELD) {
    return { problems: [problem("Bulk queries must contain exactly one top-level field.")] };
  }

  const problems: BulkQueryProblem[] = [];
  const frames: Frame[] = [];
  let connections = 0;
  let deepest = 0;
  walkOperation(schema, document, operation, (typeInfo) => ({
    Field: {
      enter(node) {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : null;
        const parent = frames[frames.length - 1];
        const name = node.name.value;
        let kind: Frame["kind"] = "field";
        if (named && isConnectionType(named)) kind = "connection";
        else if (parent?.kind === "connection" && name === "edges") kind = "edges";
        else if ((parent?.kind === "edges" && name === "node") || (parent?.kind === "connection" && name === "nodes")) kind = "node";

        if (name === "id" && !node.alias && parent?.kind === "node") parent.hasId = true;
        if (kind === "connection") {
          connections++;
          const depth = frames.filter((f) => f.kind === "connection").length + 1;
          deepest = Math.max(deepest, depth);
          // Walk up to the node this connection hangs off; plain lists on the way are not allowed.
          for (let i = frames.length - 1; i >= 0; i--) {
            const frame = frames[i];
            if (frame.kind === "node") {
              frame.nestedConnections.push(name);
              break;
            }
            if (frame.kind === "field" && frame.isList) {
              problems.push(problem("Queries that contain a connection field within a list field are not currently supported."));
              break;
            }
          }
        }
        const nullable = type ? getNullableType(type) : null;
        frames.push({ kind, isList: nullable !== null && isListType(nullable), hasId: false, nestedConnections: [] });
      },
      leave() {
        const frame = frames.pop();
        if (frame?.kind === "node" && frame.nestedConnections.length && !frame.hasId) {
          problems.push(
            problem(
              "The parent 'node' field for a nested connection must select the 'id' field without an alias and " +
                `must be of 'ID' return type. Connection field: '${frame.nestedConnections[0]}'.`,
            ),
          );
        }
      },
    },
  }));

  if (connections === 0) problems.push(problem("Bulk queries must contain at least one connection."));
  if (connections > MAX_BULK_CONNECTIONS) {
    problems.push(problem(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections.`));
  }
  if (deepest > MAX_BULK_CONNECTION_DEPTH) {
    problems.push(problem(`Bulk queries cannot contain connections with a nesting depth greater than ${MAX_BULK_CONNECTION_DEPTH}.`));
  }
  return problems.length ? { problems } : { document, operation };
}
