import { InvalidSessionTokenError, verifySessionToken } from "./session-token";
import type { LocalShopStore } from "./store";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

const ONLINE_TOKEN_TTL_SECONDS = 86_399;
const EXPIRING_OFFLINE_TTL_SECONDS = 3_600;

export interface OAuthApp {
  apiKey: string;
  apiSecret: string;
  shopDomain: string;
  store: LocalShopStore;
}

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

const fail = (status: number, error: string, description: string): OAuthAnswer => ({
  status,
  body: { error, error_description: description },
});

function offlineTokenAnswer(app: OAuthApp, expiring: boolean): OAuthAnswer {
  const token = app.store.issueAccessToken({
    kind: "offline",
    expiresInSeconds: expiring ? EXPIRING_OFFLINE_TTL_SECONDS : null,
    withRefreshToken: expiring,
  });
  return {
    status: 200,
    body: {
      access_token: token.token,
      scope: token.scopes.join(","),
      ...(expiring
        ? {
            expires_in: EXPIRING_OFFLINE_TTL_SECONDS,
            refresh_token: token.refreshToken,
            refresh_token_expires_in: Math.round((token.refreshTokenExpiresAt! - token.issuedAt) / 1000),
          }
        : {}),
    },
  };
}

function onlineTokenAnswer(app: OAuthApp, userId: number): OAuthAnswer {
  const token = app.store.issueAccessToken({ kind: "online", expiresInSeconds: ONLINE_TOKEN_TTL_SECONDS, userId });
  const scope = token.scopes.join(",");
  return {
    status: 200,
    body: {
      access_token: token.token,
      scope,
      expires_in: ONLINE_TOKEN_TTL_SECONDS,
      associated_user_scope: scope,
      associated_user: {
        id: userId,
        first_name: "Demo",
        last_name: "Merchant",
        email: `merchant${userId}@example.com`,
        account_owner: userId === 1,
        locale: "en",
        collaborator: false,
        email_verified: true,
      },
    },
  };
}

/**
 * `POST /admin/oauth/access_token` as @shopify/shopify-api calls it: token exchange (session
 * token → offline/online token, or non-expiring → expiring offline token), refresh_token,
 * client_credentials and a minimal authorization_code grant (any non-empty code).
 */
export function answerAccessTokenRequest(app: OAuthApp, params: Record<string, string>): OAuthAnswer {
  if (params.client_id !== app.apiKey || params.client_secret !== app.apiSecret) {
    return fail(401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret.");
  }
  switch (params.grant_type) {
    case TOKEN_EXCHANGE_GRANT:
      return tokenExchange(app, params);
    case "refresh_token": {
      const record = [...app.store.accessTokens.values()].find((t) => t.refreshToken === params.refresh_token);
      if (!record || (record.refreshTokenExpiresAt !== null && record.refreshTokenExpiresAt <= Date.now())) {
        return fail(400, "invalid_grant", "The refresh token is invalid or expired.");
      }
      app.store.accessTokens.delete(record.token);
      return offlineTokenAnswer(app, true);
    }
    case "client_credentials":
      return offlineTokenAnswer(app, false);
    case "authorization_code":
    case undefined:
      // Classic OAuth posts only client_id, client_secret and code.
      if (!params.code) return fail(400, "invalid_request", "Missing authorization code.");
      return offlineTokenAnswer(app, false);
    default:
      return fail(400, "unsupported_grant_type", `Grant type ${params.grant_type} is not supported.`);
  }
}

function tokenExchange(app: OAuthApp, params: Record<string, string>): OAuthAnswer {
  const requested = params.requested_token_type;
  if (requested !== OFFLINE_TOKEN_TYPE && requested !== ONLINE_TOKEN_TYPE) {
    return fail(400, "invalid_request", `Unsupported requested_token_type ${requested}.`);
  }
  const expiring = params.expiring === "1";

  // Migrating a non-expiring offline token to an expiring one.
  if (params.subject_token_type === OFFLINE_TOKEN_TYPE) {
    const record = app.store.findAccessToken(params.subject_token ?? "");
    if (!record || record.kind !== "offline") return fail(400, "invalid_subject_token", "Unknown offline access token.");
    app.store.accessTokens.delete(record.token);
    return offlineTokenAnswer(app, true);
  }
  if (params.subject_token_type !== ID_TOKEN_TYPE) {
    return fail(400, "invalid_request", `Unsupported subject_token_type ${params.subject_token_type}.`);
  }
  let payload;
  try {
    payload = verifySessionToken(params.subject_token ?? "", { apiKey: app.apiKey, apiSecret: app.apiSecret });
  } catch (error) {
    const reason = error instanceof InvalidSessionTokenError ? error.message : String(error);
    return fail(400, "invalid_subject_token", `Session token is invalid: ${reason}.`);
  }
  if (payload.dest !== `https://${app.shopDomain}`) {
    return fail(400, "invalid_subject_token", `Session token is for ${payload.dest}, not this shop.`);
  }
  if (requested === ONLINE_TOKEN_TYPE) return onlineTokenAnswer(app, Number(payload.sub) || 1);
  return offlineTokenAnswer(app, expiring);
}
