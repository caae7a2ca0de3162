import { describe, expect, it } from "vitest";
import { decisionMessage } from "../components/DecisionBanner";

describe("the banner after a bulk decision", () => {
  it("speaks of one customer in the singular and of several in the plural", () => {
    expect(decisionMessage({ ok: true, decision: "approved", updated: 1, unknown: [] }).title).toBe(
      "1 customer approved as an ambassador.",
    );
    expect(decisionMessage({ ok: true, decision: "approved", updated: 2, unknown: [] }).title).toBe(
      "2 customers approved as ambassadors.",
    );
    expect(decisionMessage({ ok: true, decision: "dismissed", updated: 1, unknown: [] }).title).toBe("1 customer dismissed.");
  });

  it("says so when nothing changed", () => {
    expect(decisionMessage({ ok: true, decision: "approved", updated: 0, unknown: [] }).title).toBe("No customer was changed.");
  });
});
