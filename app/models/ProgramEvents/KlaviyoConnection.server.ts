/**
 * The shop's Klaviyo connection: its private API key, checked with Klaviyo when saved and
 * stored encrypted (AES-256-GCM, a fresh IV per key, the shop as associated data so a
 * ciphertext cannot be moved to another shop). The key never leaves the server:
 * `klaviyoConnectionView` is all the admin pages get.
 *
 * The encryption key is derived with HKDF-SHA256 from KLAVIYO_KEY_ENCRYPTION_SECRET when
 * set, else from SHOPIFY_API_SECRET. Changing that secret makes saved keys unreadable: the
 * settings page then asks the merchant to paste the key again (events wait meanwhile).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import prisma from "../../db.server";
import { checkKlaviyoKey } from "./klaviyo.server";

const IV_BYTES = 12;
const TAG_BYTES = 16;

function encryptionKey(): Buffer {
  const secret = process.env.KLAVIYO_KEY_ENCRYPTION_SECRET || process.env.SHOPIFY_API_SECRET;
  if (!secret) throw new Error("Set KLAVIYO_KEY_ENCRYPTION_SECRET (or SHOPIFY_API_SECRET) to store Klaviyo keys.");
  return Buffer.from(hkdfSync("sha256", secret, "ambassadors", "klaviyo-api-key v1", 32));
}

export function encryptApiKey(shop: string, apiKey: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  cipher.setAAD(Buffer.from(shop));
  const encrypted = Buffer.concat([cipher.update(apiKey, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString("base64");
}

/** Null when the ciphertext cannot be read (secret changed, another shop's row). */
export function decryptApiKey(shop: string, stored: string): string | null {
  try {
    const bytes = Buffer.from(stored, "base64");
    const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(shop));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** What the admin may see of the connection: never the key. */
export interface KlaviyoConnectionView {
  connected: boolean;
  /** The key's last four characters. */
  keyHint: string | null;
  connectedAt: Date | null;
  /** Why events are waiting (Klaviyo down, key refused), if they are. */
  lastError: string | null;
  lastErrorAt: Date | null;
  retryAt: Date | null;
}

export async function klaviyoConnectionView(shop: string): Promise<KlaviyoConnectionView> {
  const row = await prisma.klaviyoConnection.findUnique({ where: { shop } });
  if (!row) return { connected: false, keyHint: null, connectedAt: null, lastError: null, lastErrorAt: null, retryAt: null };
  const unreadable = decryptApiKey(shop, row.encryptedKey) === null;
  return {
    connected: true,
    keyHint: row.keyHint,
    connectedAt: row.connectedAt,
    lastError: unreadable ? "The saved key can no longer be read (the app's secret changed). Paste the key again." : row.lastError,
    lastErrorAt: row.lastErrorAt,
    retryAt: row.retryAt,
  };
}

export type SaveKlaviyoKeyResult = { ok: true } | { ok: false; errors: { apiKey: string } };

/**
 * Checks the key with Klaviyo and saves it encrypted. A refused or malformed key is not
 * saved. Replacing a key keeps `connectedAt` (events since then are still sent) and lets
 * waiting events go at once.
 */
export async function saveKlaviyoKey(shop: string, input: string): Promise<SaveKlaviyoKeyResult> {
  const apiKey = input.trim();
  if (!apiKey) return { ok: false, errors: { apiKey: "Paste your Klaviyo private API key." } };
  if (!/^pk_[A-Za-z0-9_-]{8,200}$/.test(apiKey)) {
    return { ok: false, errors: { apiKey: "That is not a Klaviyo private API key: it starts with pk_ (Settings › API keys in Klaviyo)." } };
  }
  const check = await checkKlaviyoKey(apiKey);
  if (!check.ok) {
    const refused = check.keyRefused || !check.passing;
    return {
      ok: false,
      errors: {
        apiKey: refused
          ? "Klaviyo refused this key. Check that it is a private key with access to Accounts, Events and Profiles."
          : `Klaviyo could not check the key right now: ${check.message} Try again in a moment.`,
      },
    };
  }
  const fields = { encryptedKey: encryptApiKey(shop, apiKey), keyHint: apiKey.slice(-4), lastError: null, lastErrorAt: null, failures: 0, retryAt: null };
  await prisma.klaviyoConnection.upsert({ where: { shop }, create: { shop, ...fields }, update: fields });
  return { ok: true };
}

/** Forgets the key; events recorded from now on are not sent to Klaviyo. */
export async function removeKlaviyoKey(shop: string): Promise<void> {
  await prisma.klaviyoConnection.deleteMany({ where: { shop } });
}

/** The key and backoff state, for delivery only (server side). Null when not connected or unreadable. */
export async function klaviyoCredentials(shop: string) {
  const row = await prisma.klaviyoConnection.findUnique({ where: { shop } });
  if (!row) return null;
  const apiKey = decryptApiKey(shop, row.encryptedKey);
  if (!apiKey) return null;
  return { apiKey, connectedAt: row.connectedAt, failures: row.failures, retryAt: row.retryAt };
}

/** Longest wait between attempts while Klaviyo keeps failing. */
const MAX_BACKOFF_MS = 60 * 60_000;
const FIRST_BACKOFF_MS = 30_000;

/** A passing failure: wait 30 s, 1 min, 2 min, … up to an hour before the next attempt. */
export async function recordKlaviyoFailure(shop: string, message: string, now: Date) {
  const row = await prisma.klaviyoConnection.findUnique({ where: { shop }, select: { failures: true } });
  if (!row) return;
  const wait = Math.min(FIRST_BACKOFF_MS * 2 ** row.failures, MAX_BACKOFF_MS);
  await prisma.klaviyoConnection.update({
    where: { shop },
    data: { failures: row.failures + 1, lastError: message, lastErrorAt: now, retryAt: new Date(now.getTime() + wait) },
  });
}

export async function recordKlaviyoRecovered(shop: string) {
  await prisma.klaviyoConnection.updateMany({
    where: { shop, OR: [{ failures: { gt: 0 } }, { lastError: { not: null } }] },
    data: { failures: 0, lastError: null, lastErrorAt: null, retryAt: null },
  });
}
