import {
  execute,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { calculateQueryCost, MAX_QUERY_COST } from "./cost";
import { TRANSPORT_FAULTS, type FaultInjector, type FaultRequest, type FaultSpec, type FaultUserError } from "./faults";
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
  /** Faults to inject (none when absent). */
  faults?: FaultInjector;
}

/** An injected transport fault (http5xx, timeout, networkReset) the server acts out. */
export interface TransportFault {
  fault: FaultSpec;
  /** With `executes`, the answer the request got before it was lost; otherwise null (nothing ran). */
  answer: GraphqlHttpAnswer | null;
  /** Handles the request after all (a timeout whose wait ended while the client still listens). */
  proceed: () => Promise<GraphqlHttpAnswer>;
}

export function isTransportFault(outcome: GraphqlHttpAnswer | TransportFault): outcome is TransportFault {
  return "fault" in outcome;
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

const rootFieldsOf = (operation: OperationDefinitionNode) =>
  operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);

/**
 * Runs one Admin API request: parse → validate → cost → (faults) → throttle → scopes →
 * execute. Injected faults only take valid requests: invalid ones fail as they always do.
 */
export async function answerGraphqlRequest(
  runtime: GraphqlRuntime,
  body: GraphqlRequestBody,
): Promise<GraphqlHttpAnswer | TransportFault> {
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

  const throttledAnswer = (injected: boolean): GraphqlHttpAnswer => {
    const throttleStatus = bucket.status();
    // An injected throttle shows a bucket just short of this query, as a real one would (so
    // clients computing a wait get a sane one); the real bucket is left as it is.
    if (injected) throttleStatus.currentlyAvailable = Math.max(0, Math.min(throttleStatus.currentlyAvailable, requested - 1));
    return {
      status: 200,
      body: {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMIT_DOCS } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus } },
      },
    };
  };

  const faultRequest: FaultRequest = {
    operationName: operation.name?.value ?? null,
    operationType: operation.operation,
    rootFields: rootFieldsOf(operation).map((f) => f.name.value),
  };
  const fault = runtime.faults?.take(faultRequest, ["throttled", ...TRANSPORT_FAULTS]);
  if (fault?.kind === "throttled") return throttledAnswer(true);
  const run = () => runOperation(runtime, document, operation, variables, requested, faultRequest, throttledAnswer);
  if (!fault) return run();
  if (!fault.executes) return { fault, answer: null, proceed: run };
  const answer = await run();
  return { fault, answer, proceed: async () => answer };
}

/** The part of a request after the fault check: throttle → scopes → execute. */
async function runOperation(
  runtime: GraphqlRuntime,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  requested: number,
  faultRequest: FaultRequest,
  throttledAnswer: (injected: boolean) => GraphqlHttpAnswer,
): Promise<GraphqlHttpAnswer> {
  const { schema, store, bucket } = runtime;
  if (!bucket.tryTake(requested)) {
    store.stats.throttled++;
    return throttledAnswer(false);
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
  // A "userErrors" fault answers in place of the resolvers, so nothing is executed.
  const userErrorsFault = violations.length ? undefined : runtime.faults?.take(faultRequest, ["userErrors"]);
  const rootValue = userErrorsFault ? userErrorsRoot(schema, operation, userErrorsFault.userErrors ?? []) : undefined;
  const data = await executeAllowedRootFields(schema, document, operation, deniedRootKeys, variables, context, rootValue);

  // The local shop charges what it computed up front: actualQueryCost equals requestedQueryCost
  // (Shopify refunds unused points for short pages; tests can rely on the simpler rule).
  const actual = requested;
  bucket.refund(requested - actual);
  store.stats.pointsSpent += actual;

  const errors = [...accessErrors, ...data.errors];
  return {
    status: 200,
    body: {
      ...(errors.length ? { errors } : {}),
      data: data.data,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } },
    },
  };
}

/** Root value answering each mutation root field with its payload: only `userErrors` set. */
function userErrorsRoot(schema: GraphQLSchema, operation: OperationDefinitionNode, userErrors: FaultUserError[]) {
  const mutationType = schema.getMutationType()!;
  const nulls = (type: GraphQLObjectType) => Object.fromEntries(Object.keys(type.getFields()).map((name) => [name, null]));
  const root: Record<string, () => object> = {};
  for (const { name } of rootFieldsOf(operation)) {
    if (name.value.startsWith("__")) continue;
    root[name.value] = () => {
      const payloadType = getNamedType(mutationType.getFields()[name.value].type);
      const errorsField = isObjectType(payloadType) ? payloadType.getFields().userErrors : undefined;
      const errorType = errorsField && getNamedType(errorsField.type);
      if (!isObjectType(payloadType) || !isObjectType(errorType)) {
        throw new GraphQLError(`local shop: a "userErrors" fault cannot answer ${name.value}: its payload has no userErrors`);
      }
      return { ...nulls(payloadType), userErrors: userErrors.map((e) => ({ ...nulls(errorType), ...e, field: e.field ?? null })) };
    };
  }
  return root;
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
  rootValue?: object,
): Promise<{ data: Record<string, unknown> | null; errors: GraphQLFormattedError[] }> {
  const rootType = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  const rootFields = rootFieldsOf(operation);
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
    rootValue: rootValue ?? (operation.operation === "mutation" ? mutationRoot : queryRoot),
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
