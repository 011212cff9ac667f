import { QWEN_PORTAL_BASE_URL } from "../../providers/qwen.ts";
import { apiBase } from "../endpoints.ts";

/**
 * The API base URL for a Qwen account's `resource_url` (Qwen Code's rule): a bare host such as
 * `portal.qwen.ai` becomes `https://portal.qwen.ai/v1`; a URL keeps its scheme; `/v1` is
 * appended when missing; no `resource_url` means the Qwen portal.
 *
 * FOR TESTS ONLY, `CLI_PROXY_API_BASE_QWEN` stands in for `https://`, so the fake upstream
 * plays every resource host: `https://portal.qwen.ai/v1` -> `<override>/portal.qwen.ai/v1`.
 */
export function qwenBaseUrl(resourceUrl: string): string {
  const raw = resourceUrl.trim().replace(/\/+$/, "");
  let url = raw === "" ? QWEN_PORTAL_BASE_URL : /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
  if (!url.endsWith("/v1")) url += "/v1";
  const standIn = apiBase("qwen", "");
  return standIn && url.startsWith("https://") ? `${standIn}/${url.slice("https://".length)}` : url;
}
