import type { IncomingHttpHeaders } from "node:http";
import type { ErrorSurface } from "./errors.ts";

/** The error envelope a path speaks, so even a 404 or 401 reaches an SDK in a shape it parses. */
export function surfaceForPath(path: string, headers?: IncomingHttpHeaders): ErrorSurface {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1beta") || path.startsWith("/v1internal")) return "gemini";
  if (path.startsWith("/api/")) return "ollama";
  if (headers && path === "/v1/models" && isAnthropicClient(headers)) return "anthropic";
  return "openai";
}

/** Claude Code and the Anthropic SDK send `anthropic-version`; Claude CLI has its own UA. */
export function isAnthropicClient(headers: IncomingHttpHeaders): boolean {
  if (headers["anthropic-version"]) return true;
  const ua = headers["user-agent"];
  return typeof ua === "string" && ua.toLowerCase().startsWith("claude-cli");
}
