import { z } from "zod";

/**
 * Storefront form input: validation with one error per field, each with a stable `code`
 * the theme blocks translate, and an English `message` as a fallback.
 */
export type FieldErrorCode =
  | "required"
  | "too_long"
  | "invalid_email"
  | "invalid_url"
  | "invalid_rating";

export interface FieldError {
  code: FieldErrorCode;
  message: string;
}

export type FieldErrors = Record<string, FieldError>;

export type ParseResult<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

/**
 * Form data as plain strings; files are ignored. Of a repeated field the last non-blank
 * value wins: a blank repeat never hides a value sent before it (a filled honeypot
 * followed by an empty one is still filled).
 */
export function formFields(form: FormData | URLSearchParams): Record<string, string> {
  const fields: Record<string, string> = {};
  form.forEach((value, key) => {
    if (typeof value !== "string") return;
    if (value.trim() === "" && (fields[key] ?? "").trim() !== "") return;
    fields[key] = value;
  });
  return fields;
}

/** Trimmed text without control characters (newlines and tabs are kept). */
function clean(value: unknown): unknown {
  if (value === undefined || value === null) return "";
  // eslint-disable-next-line no-control-regex
  return typeof value === "string" ? value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim() : value;
}

/** Required text of at most `max` characters. */
export function requiredText(label: string, max: number) {
  return z.preprocess(
    clean,
    z
      .string()
      .min(1, { message: `${label} is required.` })
      .max(max, { message: `${label} can be at most ${max} characters.` }),
  );
}

/** Optional text ("" when absent) of at most `max` characters. */
export function optionalText(label: string, max: number) {
  return z.preprocess(clean, z.string().max(max, { message: `${label} can be at most ${max} characters.` }));
}

export const EMAIL_MAX = 254;

/** An email address, lower-cased. */
export function emailAddress(label = "Email") {
  return z.preprocess(
    (value) => {
      const text = clean(value);
      return typeof text === "string" ? text.toLowerCase() : text;
    },
    z
      .string()
      .min(1, { message: `${label} is required.` })
      .max(EMAIL_MAX, { message: `${label} can be at most ${EMAIL_MAX} characters.` })
      .email({ message: "Enter an email address like name@example.com." }),
  );
}

/** An http(s) link of at most `max` characters. */
export function webLink(label: string, max: number) {
  return requiredText(label, max).refine(
    (value) => {
      if (typeof value !== "string" || value === "") return true;
      try {
        const url = new URL(value);
        return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".");
      } catch {
        return false;
      }
    },
    { message: "Enter a link starting with https://", params: { code: "invalid_url" } },
  );
}

/** Turns zod's issues into one error per field, with our codes. */
export function fieldErrorsFrom(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (errors[field]) continue;
    errors[field] = { code: codeOf(issue), message: issue.message };
  }
  return errors;
}

function codeOf(issue: z.ZodIssue): FieldErrorCode {
  switch (issue.code) {
    case z.ZodIssueCode.too_big:
      return "too_long";
    case z.ZodIssueCode.invalid_string:
      return issue.validation === "email" ? "invalid_email" : "invalid_url";
    case z.ZodIssueCode.custom:
      return (issue.params?.code as FieldErrorCode | undefined) ?? "required";
    default:
      return "required";
  }
}

export function parseForm<T extends z.ZodTypeAny>(schema: T, fields: Record<string, string>): ParseResult<z.infer<T>> {
  const parsed = schema.safeParse(fields);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, fieldErrors: fieldErrorsFrom(parsed.error) };
}
