/**
 * The human message inside an upstream error body, whatever envelope the upstream used
 * (OpenAI/Gemini `error.message`, Anthropic `error.message`, Ollama `error`, plain text).
 */
export function upstreamErrorMessage(status: number, body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      let parsed = JSON.parse(trimmed);
      if (Array.isArray(parsed)) parsed = parsed[0];
      const e = parsed?.error;
      if (typeof e === "string") return e;
      if (e && typeof e.message === "string" && e.message) return e.message;
      if (typeof parsed?.message === "string") return parsed.message;
      if (typeof parsed?.detail === "string") return parsed.detail;
    } catch {
      // not JSON after all: fall through to the raw text
    }
  }
  if (trimmed) return trimmed.length > 2000 ? `${trimmed.slice(0, 2000)}...` : trimmed;
  return `upstream returned HTTP ${status}`;
}
