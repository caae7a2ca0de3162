import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";

/**
 * Walks one operation with TypeInfo, following fragment spreads in place so the visitor sees
 * fields in their real nesting, as execution does. `makeVisitor` is called once per walked
 * definition with that walk's TypeInfo; keep shared state in its closure. Validation has
 * already ruled out fragment cycles and unknown fragments.
 */
export function walkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  makeVisitor: (typeInfo: TypeInfo) => ASTVisitor,
): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) => {
    const typeInfo = new TypeInfo(schema);
    const visitor: ASTVisitor = {
      ...makeVisitor(typeInfo),
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment) walk(fragment);
      },
    };
    visit(node, visitWithTypeInfo(typeInfo, visitor));
  };
  walk(operation);
}
