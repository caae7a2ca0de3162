/**
 * Fault injection: the next matching Admin GraphQL requests fail the way Shopify (or the
 * network in front of it) sometimes does, so the app's retry and error paths can be tested.
 * The server acts out transport faults; graphql-endpoint.ts answers the GraphQL-level ones.
 */
import type { FaultKind, StoreStats } from "./records";

export type { FaultKind } from "./records";

/** One entry of a "userErrors" fault; extra keys fill same-named fields (e.g. `elementIndex`). */
export interface FaultUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
  [extra: string]: unknown;
}

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests whose operation has this name (`mutation Foo {…}`); a RegExp tests it. */
  operationName?: string | RegExp;
  /** Only requests selecting this root field (its name, not an alias). */
  rootField?: string;
  /** How many matching requests it takes (default 1; `Infinity` until cleared). */
  times?: number;
  /** kind "userErrors": what every root field's payload answers (mutations only). */
  userErrors?: FaultUserError[];
  /** kind "http5xx": the status (default 502). */
  status?: number;
  /**
   * kind "timeout": how long the shop sits on the request before handling and answering it.
   * Default: until the client gives up (or the shop closes). A request whose client left
   * during the wait is dropped unhandled.
   */
  delayMs?: number;
  /**
   * kinds "http5xx", "timeout", "networkReset": handle the request first, then lose (or
   * delay) the answer, so the effect happens although the app sees a failure. Default false.
   */
  executes?: boolean;
}

export interface ActiveFault {
  readonly spec: FaultSpec;
  /** Matching requests it will still take. */
  remaining: number;
  /** Requests it has taken so far. */
  injected: number;
}

/** What a fault is matched against: the operation about to run. */
export interface FaultRequest {
  operationName: string | null;
  operationType: "query" | "mutation" | "subscription";
  rootFields: string[];
}

export const TRANSPORT_FAULTS: readonly FaultKind[] = ["http5xx", "timeout", "networkReset"];
const KINDS: readonly FaultKind[] = ["throttled", "userErrors", ...TRANSPORT_FAULTS];

/** The part of the injector tests use, as `shop.faults`. */
export interface LocalShopFaults {
  /** Adds a fault; faults are tried in the order added and the first matching one applies. */
  add(spec: FaultSpec): ActiveFault;
  /** Removes all faults (pending ones never fire). */
  clear(): void;
  /** Faults that will still fire. */
  pending(): ActiveFault[];
}

export class FaultInjector implements LocalShopFaults {
  private faults: ActiveFault[] = [];

  constructor(private readonly stats: StoreStats) {}

  add(spec: FaultSpec): ActiveFault {
    const fail = (why: string) => {
      throw new Error(`local shop: faults.add: ${why}`);
    };
    if (!KINDS.includes(spec.kind)) fail(`unknown kind ${JSON.stringify(spec.kind)}`);
    const times = spec.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) fail("times must be a positive integer or Infinity");
    if (spec.kind === "userErrors" && !spec.userErrors?.length) fail('kind "userErrors" needs userErrors');
    if (spec.userErrors?.some((e) => typeof e.message !== "string")) fail("every userError needs a message");
    if (spec.status !== undefined && !(spec.kind === "http5xx" && spec.status >= 500 && spec.status <= 599)) {
      fail("status is for kind http5xx and must be 5xx");
    }
    if (spec.delayMs !== undefined && (spec.kind !== "timeout" || !(spec.delayMs >= 0))) fail("delayMs is for kind timeout and must be ≥ 0");
    if (spec.executes && !TRANSPORT_FAULTS.includes(spec.kind)) fail(`executes is for ${TRANSPORT_FAULTS.join(", ")}`);
    const fault: ActiveFault = { spec: { ...spec }, remaining: times, injected: 0 };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  pending(): ActiveFault[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  /** The first pending fault of one of `kinds` matching the request, counted as injected. */
  take(request: FaultRequest, kinds: readonly FaultKind[]): FaultSpec | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && kinds.includes(f.spec.kind) && matches(f.spec, request));
    if (!fault) return undefined;
    fault.remaining--;
    fault.injected++;
    this.stats.faultsInjected[fault.spec.kind]++;
    return fault.spec;
  }
}

function matches(spec: FaultSpec, request: FaultRequest): boolean {
  // A payload with userErrors only exists for mutations; such a fault waits for one.
  if (spec.kind === "userErrors" && request.operationType !== "mutation") return false;
  if (spec.rootField !== undefined && !request.rootFields.includes(spec.rootField)) return false;
  const wanted = spec.operationName;
  if (wanted === undefined) return true;
  if (request.operationName === null) return false;
  if (typeof wanted === "string") return wanted === request.operationName;
  wanted.lastIndex = 0; // a /g or /y RegExp would otherwise remember the last match
  return wanted.test(request.operationName);
}
