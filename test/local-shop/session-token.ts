import crypto from "node:crypto";

/** The claims of a Shopify admin session token (App Bridge `idToken()`). */
export interface SessionTokenPayload {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

export interface MintSessionTokenOptions {
  apiKey: string;
  apiSecret: string;
  /** e.g. "demo-shop.myshopify.com" */
  shop: string;
  /** The staff member; Shopify puts their numeric id in `sub`. Default "1". */
  userId?: string | number;
  /** Shopify's tokens live one minute. */
  ttlSeconds?: number;
  /** Issue time in ms (default: now). */
  now?: number;
  sessionId?: string;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

function sign(input: string, secret: string): string {
  return crypto.createHmac("sha256", secret).update(input).digest("base64url");
}

/** A session token exactly as Shopify admin issues them: HS256-signed with the app secret. */
export function mintSessionToken(options: MintSessionTokenOptions): string {
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: SessionTokenPayload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: String(options.userId ?? "1"),
    exp: issuedAt + (options.ttlSeconds ?? 60),
    nbf: issuedAt,
    iat: issuedAt,
    jti: crypto.randomUUID(),
    sid: options.sessionId ?? crypto.randomBytes(16).toString("hex"),
  };
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${unsigned}.${sign(unsigned, options.apiSecret)}`;
}

export class InvalidSessionTokenError extends Error {}

/** Verifies signature, audience and time window (10 s tolerance, like @shopify/shopify-api). */
export function verifySessionToken(
  token: string,
  options: { apiKey: string; apiSecret: string; now?: number; clockToleranceSeconds?: number },
): SessionTokenPayload {
  const parts = token.split(".");
  if (parts.length !== 3) throw new InvalidSessionTokenError("not a JWT");
  const [header, body, signature] = parts;
  const expected = Buffer.from(sign(`${header}.${body}`, options.apiSecret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    throw new InvalidSessionTokenError("signature does not match the app secret");
  }
  let parsedHeader: { alg?: string };
  let payload: SessionTokenPayload;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: string };
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as SessionTokenPayload;
  } catch {
    throw new InvalidSessionTokenError("malformed JWT");
  }
  if (parsedHeader.alg !== "HS256") throw new InvalidSessionTokenError(`unexpected alg ${parsedHeader.alg}`);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.clockToleranceSeconds ?? 10;
  if (payload.exp < now - tolerance) throw new InvalidSessionTokenError("token expired");
  if (payload.nbf > now + tolerance) throw new InvalidSessionTokenError("token not valid yet");
  if (payload.aud !== options.apiKey) throw new InvalidSessionTokenError("audience is not this app");
  return payload;
}
