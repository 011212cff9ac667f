import { expiryFrom } from "../../oauth/token-request.ts";
import { formatTimestamp, parseTimestamp } from "../timestamps.ts";
import { GOOGLE_TOKEN_URI, type GoogleOAuthClient } from "./google-oauth.ts";

/**
 * The token inside a Gemini CLI account file. The Go original stores Go's oauth2.Token
 * marshalled under `token` (`access_token`, `token_type`, `refresh_token`, `expiry`) plus
 * what Google's libraries want next to it (`token_uri`, `client_id`, `client_secret`,
 * `scopes`, `universe_domain`); after a refresh it may also mirror the token fields at the
 * top level. Reading prefers `token`, then the top level.
 */

/** Gemini CLI's public OAuth client (an installed app: the secret is not secret). */
export const GEMINI_CLI_OAUTH: GoogleOAuthClient = {
  kind: "gemini",
  clientId: "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
  clientSecret: "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",
  scopes: [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
  ],
};

/** Mirrored at the top level by the Go original after a refresh. */
const MIRRORED = ["access_token", "token_type", "refresh_token", "expiry"] as const;

export interface GeminiToken {
  accessToken: string;
  refreshToken: string;
  expiresAt?: number;
}

function nested(content: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const t = content.token;
  return t !== null && typeof t === "object" && !Array.isArray(t) ? (t as Record<string, unknown>) : {};
}

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

export function readGeminiToken(content: Readonly<Record<string, unknown>>): GeminiToken {
  const token = nested(content);
  return {
    accessToken: text(token.access_token) || text(content.access_token),
    refreshToken: text(token.refresh_token) || text(content.refresh_token),
    expiresAt: parseTimestamp(token.expiry) ?? parseTimestamp(content.expiry),
  };
}

/** The `token` object for a fresh login's token answer, in the shape the Go original writes. */
export function newTokenObject(body: Record<string, unknown>): Record<string, unknown> {
  return {
    access_token: body.access_token,
    client_id: GEMINI_CLI_OAUTH.clientId,
    client_secret: GEMINI_CLI_OAUTH.clientSecret,
    expiry: formatTimestamp(expiryFrom(body)),
    refresh_token: text(body.refresh_token),
    scopes: [...GEMINI_CLI_OAUTH.scopes],
    token_type: text(body.token_type) || "Bearer",
    token_uri: GOOGLE_TOKEN_URI,
    universe_domain: "googleapis.com",
  };
}

/**
 * The file fields to merge after a refresh: the nested token updated in place (its other
 * fields kept), and the top-level mirror kept in step where the file has one. Google usually
 * answers a refresh without a new refresh token; the old one stays.
 */
export function refreshedFields(
  content: Readonly<Record<string, unknown>>,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const old = readGeminiToken(content);
  const updates: Record<string, unknown> = {
    access_token: body.access_token,
    token_type: text(body.token_type) || "Bearer",
    refresh_token: text(body.refresh_token) || old.refreshToken,
    expiry: formatTimestamp(expiryFrom(body)),
  };
  const fields: Record<string, unknown> = { token: { ...nested(content), ...updates } };
  for (const key of MIRRORED) if (key in content) fields[key] = updates[key];
  return fields;
}
