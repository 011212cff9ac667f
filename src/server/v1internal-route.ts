import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopbackAddress } from "../management/client-address.ts";
import { proxyCountTokens } from "../proxy/count-tokens.ts";
import { type InboundCall, proxyGenerate } from "../proxy/pipeline.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { exposeRequestId } from "../request-log/request-id.ts";
import { CallObserver } from "../usage/call-observer.ts";
import { parseJsonObject, readBody } from "./body.ts";
import { errorBody, ProxyError, toProxyError } from "./errors.ts";
import { sendError, sendJson } from "./respond.ts";

/**
 * `POST /v1internal:{method}`: Google's Code Assist API, served to Gemini CLI running with
 * `CODE_ASSIST_ENDPOINT` pointing at the proxy. Generations are load-balanced across every
 * account serving the model (Gemini CLI accounts passed through, others translated); the
 * setup calls the CLI makes at start are answered here. The CLI authenticates to Google, not
 * to us, so there is no key to check: only clients on this machine are served.
 */

export interface V1InternalRoute {
  method: string;
}

const PREFIX = "/v1internal:";

export function matchV1InternalRoute(method: string, path: string): V1InternalRoute | undefined {
  if (method !== "POST" || !path.startsWith(PREFIX)) return undefined;
  const name = path.slice(PREFIX.length);
  return /^[A-Za-z]+$/.test(name) ? { method: name } : undefined;
}

/** The project the setup answers name. Generations get each account's own project instead. */
const PLACEHOLDER_PROJECT = "cli-proxy-api";
const STANDARD_TIER = {
  id: "standard-tier",
  name: "Gemini Code Assist",
  description: "Served by CLI Proxy API",
  userDefinedCloudaicompanionProject: true,
};

export async function handleV1Internal(
  rt: Runtime,
  route: V1InternalRoute,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): Promise<void> {
  let observer: CallObserver | undefined;
  try {
    if (!isLoopbackAddress(req.socket.remoteAddress ?? "")) {
      req.resume();
      throw new ProxyError(403, "The Gemini CLI internal API is only served to clients on this machine", {
        type: "permission_error",
      });
    }
    const text = await readBody(req, rt.bodyLimitBytes);
    const body = parseJsonObject(text);
    switch (route.method) {
      case "generateContent":
      case "streamGenerateContent": {
        const model = typeof body.model === "string" ? body.model.trim() : "";
        if (!model) throw new ProxyError(400, "Missing required field 'model'", { code: "missing_model" });
        const call: InboundCall = {
          format: "gemini-cli",
          surface: "gemini",
          text,
          body,
          model,
          stream: route.method === "streamGenerateContent",
          sse: /(?:^|&)alt=sse(?:&|$)/.test(query),
          compact: false,
          headers: req.headers,
        };
        observer = new CallObserver(rt.observe, {
          method: "POST",
          url: req.url ?? "",
          headers: req.headers,
          body: text,
          format: "gemini-cli",
          modelRequested: model,
          stream: call.stream,
        });
        call.observer = observer;
        exposeRequestId(res, observer.log);
        await proxyGenerate(rt, call, res);
        if (res.writableEnded) observer.finish(res.statusCode);
        else observer.finish(499, { failed: true });
        return;
      }
      case "countTokens":
        return await proxyCountTokens(rt, countTokensCall(text, body, req), res);
      case "loadCodeAssist":
        return sendJson(res, 200, {
          currentTier: STANDARD_TIER,
          allowedTiers: [{ ...STANDARD_TIER, isDefault: true }],
          cloudaicompanionProject: requestedProject(body),
        });
      case "onboardUser": {
        const project = requestedProject(body);
        return sendJson(res, 200, {
          name: `operations/${PLACEHOLDER_PROJECT}-onboarded`,
          done: true,
          response: {
            "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse",
            cloudaicompanionProject: { id: project, name: project },
          },
        });
      }
      case "listExperiments":
        // No remote experiments: the CLI runs with its defaults.
        return sendJson(res, 200, { experimentIds: [], flags: [] });
      default:
        throw new ProxyError(404, `v1internal:${route.method} is not served by the proxy`);
    }
  } catch (err) {
    const e = toProxyError(err);
    if (observer) exposeRequestId(res, observer.log, true);
    sendError(res, e, "gemini");
    observer?.finish(e.status, { failed: true, body: JSON.stringify(errorBody(e, "gemini")) });
  }
}

function requestedProject(body: Record<string, any>): string {
  const p = body.cloudaicompanionProject ?? body.metadata?.duetProject;
  return typeof p === "string" && p.trim() !== "" ? p.trim() : PLACEHOLDER_PROJECT;
}

/**
 * Code Assist's countTokens body is `{request: {model: "models/<id>", contents}}`: counted as
 * a Gemini countTokens call (same answer shape, `{totalTokens}`).
 */
function countTokensCall(text: string, body: Record<string, any>, req: IncomingMessage): InboundCall {
  const inner = body.request;
  if (inner === null || typeof inner !== "object" || Array.isArray(inner)) {
    throw new ProxyError(400, "Invalid 'request': must be an object holding the countTokens request");
  }
  const named =
    typeof inner.model === "string" ? inner.model : typeof body.model === "string" ? body.model : "";
  const model = named.replace(/^models\//, "").trim();
  if (!model) throw new ProxyError(400, "Missing required field 'request.model'", { code: "missing_model" });
  return {
    format: "gemini",
    surface: "gemini",
    text,
    body: inner,
    model,
    stream: false,
    sse: false,
    compact: false,
    headers: req.headers,
  };
}
