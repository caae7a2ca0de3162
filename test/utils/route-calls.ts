/**
 * Calling a route's loader or action as Remix calls it, as the test shop's admin (a valid
 * session token, see test-shop.ts). Route tests share these instead of each writing its own.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminRequest } from "./test-shop";

type RouteHandler<T> = (args: LoaderFunctionArgs) => T;

/** Form fields; an array gives the key once per value (checkbox lists, bulk ids). */
export type FormFields = Record<string, string | string[]> | URLSearchParams;

export function formBody(fields: FormFields): URLSearchParams {
  if (fields instanceof URLSearchParams) return fields;
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return body;
}

/** `handler` (a loader or an action) called with `request` and the route's `params`. */
export async function callRoute<T>(
  handler: RouteHandler<T>,
  request: Request | Promise<Request>,
  params: Record<string, string> = {},
): Promise<Awaited<T>> {
  return await handler({ request: await request, params, context: {} });
}

/** The admin opens `path` (with its query string): the loader's answer. */
export function adminLoad<T>(loader: RouteHandler<T>, path: string, params: Record<string, string> = {}) {
  return callRoute(loader, adminRequest(path), params);
}

/** The admin submits `fields` to `path` (POST, form-encoded): the action's answer. */
export function adminPost<T>(action: RouteHandler<T>, path: string, fields: FormFields, params: Record<string, string> = {}) {
  return callRoute(action, adminRequest(path, { method: "POST", body: formBody(fields) }), params);
}

/** What a handler answered: its value, or the Response it threw (redirects, 4xx). */
export async function answerOf<T>(run: () => T): Promise<Awaited<T> | Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
