import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { checkAccess } from "../server/access.ts";
import type { ErrorSurface } from "../server/errors.ts";
import { ProxyError } from "../server/errors.ts";
import { type GenerateIntercept, type GenerateRoute, handleGenerate } from "../server/generate-routes.ts";
import { anthropicModelList, geminiModel, geminiModelList, openaiModelList } from "../server/model-lists.ts";
import { sendError, sendJson } from "../server/respond.ts";
import { forwardToAmp } from "./forward.ts";
import { routeAmpModel } from "./model-routing.ts";
import { sanitizeAmpBody, withoutLongContextBeta } from "./request-sanitize.ts";
import { ampState } from "./state.ts";

// /api/provider/{provider}/...: Amp's provider calls, served by our own generate routes. Before
// routing, the model decides: local credential, a model-mapping, or the Amp upstream.

/** A generation through an alias: our generate handler, with Amp's routing decision first. */
export function handleAliasGenerate(
  rt: Runtime,
  route: GenerateRoute,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  return handleGenerate(rt, route, req, res, query, ampIntercept(rt, req, res, path, query));
}

export function ampIntercept(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): GenerateIntercept {
  return async (call, clientKey) => {
    const state = ampState(rt.config);
    if (call.format !== "gemini" && sanitizeAmpBody(call.body)) call.text = JSON.stringify(call.body);
    const decision = routeAmpModel(rt.registry, state, call.model);
    switch (decision.kind) {
      case "upstream":
        log.info(
          { model: call.model, path },
          "amp: no local provider serves this model; forwarding to the Amp upstream (uses Amp credits)." +
            " ampcode.model-mappings can send it to a local model instead",
        );
        await forwardToAmp(
          state,
          { method: "POST", path, query, headers: req.headers, body: call.text, clientKey },
          res,
        );
        return true;
      case "mapped":
        log.debug({ model: call.model, mapped: decision.model }, "amp: model mapped");
        call.routeModel = decision.model;
        call.headers = withoutLongContextBeta(call.headers);
        return false;
      case "local":
        call.headers = withoutLongContextBeta(call.headers);
        return false;
      default:
        return false;
    }
  };
}

const SURFACE = { openai: "openai", anthropic: "anthropic", gemini: "gemini" } as const;

/** GET .../models in the shape of the provider named in the path. */
export function handleAliasModels(
  rt: Runtime,
  shape: "openai" | "anthropic" | "gemini",
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): void {
  const surface: ErrorSurface = SURFACE[shape];
  try {
    checkAccess(rt.apiKeys, req.headers, query);
  } catch (err) {
    sendError(res, err, surface);
    return;
  }
  const models = rt.registry.list();
  const body =
    shape === "anthropic"
      ? anthropicModelList(models)
      : shape === "gemini"
        ? geminiModelList(models)
        : openaiModelList(models);
  sendJson(res, 200, body);
}

/** GET .../v1beta/models/{model}. */
export function handleAliasGeminiModel(
  rt: Runtime,
  model: string,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): void {
  try {
    checkAccess(rt.apiKeys, req.headers, query);
    const m = rt.registry.get(model);
    if (!m) throw new ProxyError(404, `Model ${model} is not found`, { code: "model_not_found" });
    sendJson(res, 200, geminiModel(m));
  } catch (err) {
    sendError(res, err, "gemini");
  }
}
