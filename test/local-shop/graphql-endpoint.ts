import {
  execute,
  getOperationAST,
  GraphQLError,
  isNonNullType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { calculateQueryCost, MAX_QUERY_COST } from "./cost";
import { mutationRoot, queryRoot, strictFieldResolver, type LocalShopServices, type ResolverContext } from "./resolvers";
import { loadOfflineScopes } from "./schema";
import { findAccessViolations } from "./scopes";
import type { LocalShopStore } from "./store";
import type { LeakyBucket } from "./throttle";

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlHttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface GraphqlRuntime {
  schema: GraphQLSchema;
  store: LocalShopStore;
  services: LocalShopServices;
  bucket: LeakyBucket;
}

const RATE_LIMIT_DOCS = "https://shopify.dev/api/usage/rate-limits";

/** graphql-js messages → the graphql-ruby error codes Shopify puts in `extensions.code`. */
const VALIDATION_CODES: [RegExp, string][] = [
  [/^Cannot query field/, "undefinedField"],
  [/^Unknown argument/, "argumentNotAccepted"],
  [/is required, but it was not provided/, "missingRequiredArguments"],
  [/^Unknown type/, "undefinedType"],
  [/^Variable ".*" is never used/, "variableNotUsed"],
  [/^Variable ".*" is not defined/, "variableNotDefined"],
  [/must have a selection of subfields|must not have a selection/, "selectionMismatch"],
  [/^Expected value of type|cannot represent/, "argumentLiteralsIncompatible"],
  [/^Fragment ".*" is never used|^Unknown fragment/, "useAndDefineFragment"],
];

function validationError(error: GraphQLError): GraphQLFormattedError {
  const code = VALIDATION_CODES.find(([pattern]) => pattern.test(error.message))?.[1] ?? "GRAPHQL_VALIDATION_FAILED";
  return { ...error.toJSON(), extensions: { code, ...error.extensions } };
}

/** Runs one Admin API request: parse → validate → cost → throttle → scopes → execute. */
export async function answerGraphqlRequest(runtime: GraphqlRuntime, body: GraphqlRequestBody): Promise<GraphqlHttpAnswer> {
  const { schema, store, bucket } = runtime;
  store.stats.graphqlRequests++;
  const cost = (requested: number, actual: number | null) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
  });
  const errorsOnly = (errors: GraphQLFormattedError[], requested = 0): GraphqlHttpAnswer => ({
    status: 200,
    body: { errors, extensions: cost(requested, 0) },
  });

  if (typeof body.query !== "string" || body.query.trim() === "") {
    return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
  }
  const variables =
    body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
  const operationName = typeof body.operationName === "string" ? body.operationName : undefined;

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    const parseError = error as GraphQLError;
    return errorsOnly([{ ...parseError.toJSON(), extensions: { code: "GRAPHQL_PARSE_FAILED" } }]);
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return errorsOnly(validationErrors.map(validationError));

  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return errorsOnly([
      {
        message: operationName ? `No operation named "${operationName}"` : "An operation name is required",
        extensions: { code: "OPERATION_NOT_FOUND" },
      },
    ]);
  }

  const requested = calculateQueryCost(schema, document, operation, variables);
  if (requested > MAX_QUERY_COST) {
    store.stats.maxCostExceeded++;
    return errorsOnly(
      [
        {
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
            `See ${RATE_LIMIT_DOCS} for more information on how the cost of a query is calculated.\n\n` +
            "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
            "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_QUERY_COST, documentation: RATE_LIMIT_DOCS },
        },
      ],
      requested,
    );
  }

  if (!bucket.tryTake(requested)) {
    store.stats.throttled++;
    return {
      status: 200,
      body: {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMIT_DOCS } }],
        extensions: cost(requested, null),
      },
    };
  }

  const violations = findAccessViolations(schema, document, operation, loadOfflineScopes(), (s) => store.hasScope(s));
  const accessErrors: GraphQLFormattedError[] = violations.map((v) => ({
    message: v.message,
    locations: v.locations,
    path: v.path,
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: v.requiredAccess },
  }));
  const deniedRootKeys = new Set(violations.map((v) => v.path[0]));

  const context: ResolverContext = { store, services: runtime.services, bulk: null };
  const data = await executeAllowedRootFields(schema, document, operation, deniedRootKeys, variables, context);

  // The local shop charges what it computed up front: actualQueryCost equals requestedQueryCost
  // (Shopify refunds unused points for short pages; tests can rely on the simpler rule).
  const actual = requested;
  bucket.refund(requested - actual);
  store.stats.pointsSpent += actual;

  const errors = [...accessErrors, ...data.errors];
  return {
    status: 200,
    body: { ...(errors.length ? { errors } : {}), data: data.data, extensions: cost(requested, actual) },
  };
}

/**
 * Executes the operation without the root fields an access violation denies; those answer
 * null (or null out the whole `data` when their type is non-null), as Shopify does.
 */
async function executeAllowedRootFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  deniedRootKeys: Set<string>,
  variables: Record<string, unknown>,
  context: ResolverContext,
): Promise<{ data: Record<string, unknown> | null; errors: GraphQLFormattedError[] }> {
  const rootType = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  const rootFields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  const keyOf = (field: FieldNode) => field.alias?.value ?? field.name.value;
  if (deniedRootKeys.size) {
    const fieldsByKey = new Map(rootFields.map((f) => [keyOf(f), f]));
    const deniesAll = [...deniedRootKeys].some((key) => {
      const field = fieldsByKey.get(key);
      const definition = field && rootType?.getFields()[field.name.value];
      return !definition || isNonNullType(definition.type);
    });
    if (deniesAll) return { data: null, errors: [] };
  }
  const allowed = operation.selectionSet.selections.filter(
    (s) => s.kind !== Kind.FIELD || !deniedRootKeys.has(keyOf(s)),
  );
  if (allowed.length === 0) {
    return { data: Object.fromEntries([...deniedRootKeys].map((k) => [k, null])), errors: [] };
  }
  const runnable: OperationDefinitionNode = { ...operation, selectionSet: { ...operation.selectionSet, selections: allowed } };
  const runnableDocument: DocumentNode = {
    ...document,
    definitions: document.definitions.map((d) => (d === operation ? runnable : d)),
  };
  const result = await execute({
    schema,
    document: runnableDocument,
    operationName: operation.name?.value,
    rootValue: operation.operation === "mutation" ? mutationRoot : queryRoot,
    contextValue: context,
    variableValues: variables,
    fieldResolver: strictFieldResolver,
  });
  const errors = (result.errors ?? []).map((e) => e.toJSON());
  if (!result.data) return { data: null, errors };
  if (!deniedRootKeys.size) return { data: result.data as Record<string, unknown>, errors };
  // Keep the response in the order the fields were asked for.
  const data: Record<string, unknown> = {};
  for (const field of rootFields) {
    const key = keyOf(field);
    data[key] = deniedRootKeys.has(key) ? null : (result.data as Record<string, unknown>)[key];
  }
  return { data, errors };
}
