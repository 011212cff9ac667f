import { readFileSync } from "node:fs";

/** package.json sits two levels up from src/server, three from dist/src/server. */
function readVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { version: string }).version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

export const VERSION: string = readVersion();

/** What `GET /` advertises. */
export const ENDPOINTS: string[] = [
  "POST /v1/chat/completions",
  "POST /v1/completions",
  "POST /v1/responses",
  "POST /v1/messages",
  "POST /v1/messages/count_tokens",
  "GET /v1/models",
  "GET /v1beta/models",
  "GET /v1beta/models/{model}",
  "POST /v1beta/models/{model}:generateContent",
  "POST /v1beta/models/{model}:streamGenerateContent",
  "POST /v1beta/models/{model}:countTokens",
  "POST /api/chat",
  "POST /api/generate",
  "GET /api/tags",
  "GET /healthz",
];
