import type { MetaDescriptor } from "@remix-run/node";

/** The browser tab's title (and what a screen reader announces on arrival): page, then app. */
export function pageTitle(page?: string): MetaDescriptor[] {
  return [{ title: page ? `${page} · Ambassadors` : "Ambassadors" }];
}
