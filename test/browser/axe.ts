import { createRequire } from "node:module";
import fs from "node:fs";
import type { Locator, Page } from "playwright-core";
import type { AxeResults, ImpactValue, Result } from "axe-core";

const require = createRequire(import.meta.url);
// axe-core's own browser bundle, injected into the page under test as it is.
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The impacts that fail a page: the issue allows none of these. */
export const BLOCKING_IMPACTS: ImpactValue[] = ["serious", "critical"];

export interface AxeViolation {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  helpUrl: string;
  targets: string[];
  /** axe's own explanation of the first failing node ("Fix any of the following: …"). */
  summary: string;
}

/**
 * Runs axe-core on the page, or only inside `scope`,
 * and returns its violations. Nothing is excluded: our markup and the demo harness alike.
 */
export async function axeViolations(page: Page, scope?: Locator): Promise<AxeViolation[]> {
  const injected = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === "object");
  if (!injected) await page.addScriptTag({ content: axeSource });
  // axe's default rule set: WCAG 2.0-2.2 A and AA plus best practices (not AAA, not
  // experimental). The function runs in the page, so it names `window.axe` itself.
  const run = (context: Element | undefined) =>
    (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<unknown> } }).axe.run(context ?? document, {
      resultTypes: ["violations"],
    });
  const results = scope ? await scope.evaluate(run) : await page.evaluate(run, undefined);
  return (results as AxeResults).violations.map((violation: Result) => ({
    id: violation.id,
    impact: violation.impact ?? undefined,
    help: violation.help,
    helpUrl: violation.helpUrl,
    targets: violation.nodes.map((node) => node.target.join(" ")),
    summary: violation.nodes[0]?.failureSummary ?? "",
  }));
}

/** A readable list: one violation a paragraph, rule id, impact, what to fix, where. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `- ${v.id} [${v.impact}] ${v.help}\n  ${v.helpUrl}\n` +
        v.targets.map((target) => `  at ${target}`).join("\n") +
        (v.summary ? `\n  ${v.summary.replace(/\n/g, "\n  ")}` : ""),
    )
    .join("\n");
}

/**
 * Fails with the readable list when axe finds any serious or critical violation on the page
 * (or inside `scope`); returns the minor and moderate ones for the caller to look at.
 */
export async function expectNoSeriousViolations(page: Page, label: string, scope?: Locator): Promise<AxeViolation[]> {
  const violations = await axeViolations(page, scope);
  const blocking = violations.filter((v) => v.impact && BLOCKING_IMPACTS.includes(v.impact));
  if (blocking.length) {
    throw new Error(`${label}: ${blocking.length} serious or critical accessibility violation(s)\n${formatViolations(blocking)}`);
  }
  return violations.filter((v) => !blocking.includes(v));
}
