/**
 * Ambassador codes: upper case A–Z and 0–9, the ambassador's first name plus a few digits
 * ("JANE482"), short enough to say out loud. Client-safe: the admin form validates with
 * the same rule as the server.
 */

export const CODE_LENGTH = { min: 4, max: 24 } as const;
export const CODE_DIGITS = { min: 2, max: 4 } as const;
/** Letters kept from the first name, so codes stay short. */
const NAME_PART_MAX = 12;
/** When the name has no usable letters (e.g. "李", or no name at all). */
const FALLBACK_NAME_PART = "AMB";

/** "Zoë-Anne" → "ZOEANNE"; accents dropped, anything outside A–Z removed. */
export function codeNamePart(firstName: string | null | undefined): string {
  const letters = (firstName ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z]/g, "")
    .slice(0, NAME_PART_MAX);
  return letters.length >= 2 ? letters : FALLBACK_NAME_PART;
}

/**
 * A candidate code: name part + `digits` random digits (the caller retries on collision,
 * and may ask for more digits than the setting allows when a name is very common).
 */
export function generateCode(
  firstName: string | null | undefined,
  digits: number,
  random: () => number = Math.random,
): string {
  const count = Math.min(8, Math.max(CODE_DIGITS.min, Math.trunc(digits)));
  let suffix = "";
  for (let i = 0; i < count; i++) suffix += String(Math.floor(random() * 10) % 10);
  return codeNamePart(firstName) + suffix;
}

/** Upper-cases and trims what a merchant typed. */
export function normalizeCode(input: string): string {
  return input.trim().toUpperCase();
}

/** Why a code is not acceptable, in plain words; null when it is. */
export function codeFormatError(code: string): string | null {
  if (code.length < CODE_LENGTH.min) return `Use at least ${CODE_LENGTH.min} characters.`;
  if (code.length > CODE_LENGTH.max) return `Use at most ${CODE_LENGTH.max} characters.`;
  if (!/^[A-Z0-9]+$/.test(code)) return "Use only letters A–Z and digits 0–9, without spaces.";
  return null;
}
