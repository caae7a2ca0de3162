import { describe, expect, it } from "vitest";
import { formFields } from "../form-input.server";

describe("formFields", () => {
  it("keeps a filled honeypot filled when an empty repeat follows it (found by the fuzzing suite)", () => {
    expect(formFields(new URLSearchParams("name=Ada&website=1e309&website=")).website).toBe("1e309");
  });

  it("takes the last value of a repeated field, unless that value is blank", () => {
    const fields = formFields(new URLSearchParams("name=Ada&name=Grace&email=a%40x.example&email=%20"));
    expect(fields).toEqual({ name: "Grace", email: "a@x.example" });
  });
});
