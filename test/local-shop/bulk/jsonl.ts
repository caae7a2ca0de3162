import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { isConnectionType } from "../cost";

/** Alias of the `__typename` probe added to every selection set of a bulk query. */
const TYPE_PROBE = "__localShopType";

/** Adds `__localShopType: __typename` everywhere, so results say which fragments applied. */
export function addTypeProbes(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet: {
      leave(node): SelectionSetNode {
        const probe: FieldNode = {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: TYPE_PROBE },
          name: { kind: Kind.NAME, value: "__typename" },
        };
        return { ...node, selections: [...node.selections, probe] };
      },
    },
  });
}

type JsonObject = Record<string, unknown>;

/**
 * Turns one execution result into Shopify's JSONL: each connection node is its own line,
 * nested connection nodes carry `"__parentId"` and come after their parent, and a parent
 * line leaves its connection fields out. Nested plain objects stay inline.
 */
export class JsonlWriter {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  /** Lines for one chunk of results, and how many of them are root objects. */
  write(data: JsonObject): { lines: string[]; rootObjectCount: number } {
    const lines: string[] = [];
    const rootType = this.schema.getQueryType()!;
    const fields = this.collect([this.operation.selectionSet], rootType);
    let rootObjectCount = 0;
    for (const [key, nodes] of fields) {
      const definition = rootType.getFields()[nodes[0].name.value];
      const value = data[key];
      if (!definition || value === null || value === undefined) continue;
      const named = getNamedType(definition.type);
      if (isConnectionType(named)) {
        rootObjectCount += this.writeConnection(value as JsonObject, nodes, named as GraphQLObjectType, undefined, lines);
      } else if (typeof value === "object") {
        // A plain root object (e.g. `shop`): its connections become root lines.
        const children: Child[] = [];
        this.project(value as JsonObject, nodes, children);
        for (const child of children) {
          rootObjectCount += this.writeConnection(child.value, child.nodes, child.type, undefined, lines);
        }
      }
    }
    return { lines, rootObjectCount };
  }

  private writeConnection(
    connection: JsonObject,
    nodes: FieldNode[],
    type: GraphQLObjectType,
    parentId: string | undefined,
    lines: string[],
  ): number {
    const items: { value: JsonObject; nodes: FieldNode[] }[] = [];
    for (const [key, fieldNodes] of this.collect(selectionSets(nodes), type)) {
      const name = fieldNodes[0].name.value;
      const list = connection[key];
      if (!Array.isArray(list) || items.length) continue;
      if (name === "nodes") {
        for (const value of list) items.push({ value: value as JsonObject, nodes: fieldNodes });
      } else if (name === "edges") {
        const edgeType = getNamedType(type.getFields().edges.type) as GraphQLObjectType;
        for (const edge of list as JsonObject[]) {
          for (const [edgeKey, edgeNodes] of this.collect(selectionSets(fieldNodes), edgeType)) {
            if (edgeNodes[0].name.value === "node") items.push({ value: edge[edgeKey] as JsonObject, nodes: edgeNodes });
          }
        }
      }
    }
    for (const item of items) {
      const children: Child[] = [];
      const line = this.project(item.value, item.nodes, children);
      if (parentId !== undefined) line.__parentId = parentId;
      lines.push(JSON.stringify(line));
      const id = typeof item.value.id === "string" ? item.value.id : undefined;
      for (const child of children) this.writeConnection(child.value, child.nodes, child.type, id, lines);
    }
    return items.length;
  }

  /** The object as it appears in its line; connections found inside go to `children`. */
  private project(value: JsonObject, nodes: FieldNode[], children: Child[]): JsonObject {
    const type = this.runtimeType(value);
    const out: JsonObject = {};
    for (const [key, fieldNodes] of this.collect(selectionSets(nodes), type)) {
      if (key === TYPE_PROBE) continue;
      const name = fieldNodes[0].name.value;
      const fieldValue = value[key];
      if (name.startsWith("__")) {
        out[key] = fieldValue;
        continue;
      }
      const named = getNamedType(type.getFields()[name].type);
      if (isConnectionType(named)) {
        if (fieldValue) children.push({ value: fieldValue as JsonObject, nodes: fieldNodes, type: named as GraphQLObjectType });
      } else if (fieldValue === null || fieldValue === undefined || isLeafType(named)) {
        out[key] = fieldValue ?? null;
      } else if (Array.isArray(fieldValue)) {
        out[key] = fieldValue.map((item: unknown) =>
          item !== null && typeof item === "object" ? this.project(item as JsonObject, fieldNodes, children) : item,
        );
      } else {
        out[key] = this.project(fieldValue as JsonObject, fieldNodes, children);
      }
    }
    return out;
  }

  private runtimeType(value: JsonObject): GraphQLObjectType {
    const type = this.schema.getType(String(value[TYPE_PROBE]));
    if (!type || !isObjectType(type)) throw new Error(`local shop: bulk result without a type (${String(value[TYPE_PROBE])})`);
    return type;
  }

  /** graphql-js's field collection: response key → field nodes, fragments applied for `type`. */
  private collect(sets: SelectionSetNode[], type: GraphQLObjectType): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const applies = (condition: string | undefined) => {
      if (!condition) return true;
      const conditionType: GraphQLNamedType | undefined = this.schema.getType(condition) ?? undefined;
      if (!conditionType) return false;
      if (conditionType === type) return true;
      return isAbstractType(conditionType) && this.schema.isSubType(conditionType, type);
    };
    const visitSet = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          fields.set(key, [...(fields.get(key) ?? []), selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (applies(selection.typeCondition?.name.value)) visitSet(selection.selectionSet);
        } else {
          const fragment = this.fragments.get(selection.name.value);
          if (fragment && applies(fragment.typeCondition.name.value)) visitSet(fragment.selectionSet);
        }
      }
    };
    sets.forEach(visitSet);
    return fields;
  }
}

interface Child {
  value: JsonObject;
  nodes: FieldNode[];
  type: GraphQLObjectType;
}

function selectionSets(nodes: FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}
