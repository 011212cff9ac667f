import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { sendJson } from "../server/respond.ts";
import { handleControlPlane } from "./control-plane.ts";
import type { AmpMatch } from "./paths.ts";
import { handleAliasGeminiModel, handleAliasGenerate, handleAliasModels } from "./provider-routes.ts";

// Amp CLI / Amp IDE integration: the listener asks `matchAmpRoute` only for requests that are
// not one of the hot generate routes, so other traffic pays nothing for it.

export { type AmpMatch, matchAmpRoute } from "./paths.ts";

export async function handleAmp(
  rt: Runtime,
  match: AmpMatch,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  try {
    switch (match.kind) {
      case "generate":
        return await handleAliasGenerate(rt, match.route, req, res, path, query);
      case "models":
        return handleAliasModels(rt, match.shape, req, res, query);
      case "gemini-model":
        return handleAliasGeminiModel(rt, match.model, req, res, query);
      case "upstream":
        return await handleControlPlane(rt, match, req, res, path, query);
    }
  } catch (err) {
    log.error({ err, path }, "amp request failed");
    if (!res.headersSent) sendJson(res, 500, { error: "internal error; see the server log" });
    else res.destroy();
  }
}
