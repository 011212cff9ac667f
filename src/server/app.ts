import { Hono } from "hono";
import { managementAccess } from "../management/access.ts";
import { createManagementApp } from "../management/index.ts";
import { registerControlPanel } from "../management/panel-route.ts";
import { registerOAuthPublicCallbacks } from "../management/routes/oauth-public-callback.ts";
import { metricsHandler } from "../metrics/handler.ts";
import { metricsFor } from "../metrics/registry.ts";
import { ollamaShowBody, ollamaTagsBody, ollamaVersionBody } from "../protocols/ollama/catalog.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { checkAccess } from "./access.ts";
import { type AppEnv, readAppEnv } from "./app-env.ts";
import { errorBody, ProxyError, toProxyError } from "./errors.ts";
import { anthropicModelList, geminiModel, geminiModelList, openaiModelList } from "./model-lists.ts";
import { isAnthropicClient, surfaceForPath } from "./surface.ts";
import { ENDPOINTS, VERSION } from "./version.ts";

/**
 * Everything that is not a generate call: info, health, model listings, telemetry sink.
 * Served by Hono; the hot generate routes never reach it.
 */
export function createApp(rt: Runtime, env: AppEnv = readAppEnv()): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    const e = toProxyError(err);
    const headers: Record<string, string> = {};
    if (e.retryAfter !== undefined) headers["retry-after"] = String(e.retryAfter);
    return c.json(
      errorBody(e, surfaceForPath(c.req.path, c.req.header())) as object,
      e.status as 400,
      headers,
    );
  });
  app.notFound((c) => {
    const e = new ProxyError(404, `No route for ${c.req.method} ${c.req.path}`, { code: "not_found" });
    return c.json(errorBody(e, surfaceForPath(c.req.path)) as object, 404);
  });

  app.route("/v0/management", createManagementApp(rt, env.managementPassword));
  registerOAuthPublicCallbacks(app, rt);
  registerControlPanel(app, rt, env.managementStaticPath);
  app.get("/", (c) => c.json({ name: "CLI Proxy API", version: VERSION, endpoints: ENDPOINTS }));
  // Prometheus metrics sit behind the management key (and its localhost rule and bans).
  app.use("/metrics", managementAccess(rt, { envPassword: env.managementPassword }));
  app.get("/metrics", metricsHandler(metricsFor(rt), { authorize: () => true }));
  app.get("/keep-alive", (c) => c.json({ status: "ok" }));
  // Claude Code posts telemetry here; accept and drop it.
  app.post("/api/event_logging/batch", (c) => c.json({}));

  const requireKey = async (c: any, next: () => Promise<void>) => {
    const url = c.req.url as string;
    const q = url.indexOf("?");
    checkAccess(
      rt.apiKeys,
      c.env?.incoming?.headers ?? Object.fromEntries(c.req.raw.headers),
      q < 0 ? "" : url.slice(q + 1),
    );
    await next();
  };
  app.use("/v1/*", requireKey);
  app.use("/v1beta/*", requireKey);
  app.use("/api/tags", requireKey);
  app.use("/api/show", requireKey);

  app.get("/v1/models", (c) => {
    const models = rt.registry.list();
    return c.json(
      (isAnthropicClient(c.req.header()) ? anthropicModelList(models) : openaiModelList(models)) as object,
    );
  });
  app.get("/v1beta/models", (c) => c.json(geminiModelList(rt.registry.list()) as object));
  app.get("/v1beta/models/:model", (c) => {
    const m = rt.registry.get(c.req.param("model"));
    if (!m)
      throw new ProxyError(404, `Model ${c.req.param("model")} is not found`, { code: "model_not_found" });
    return c.json(geminiModel(m) as object);
  });

  // Ollama catalog routes, so Ollama clients and editor plugins can discover models.
  app.get("/api/tags", (c) => c.json(ollamaTagsBody(rt.registry.list().map((m) => m.id))));
  app.get("/api/version", (c) => c.json(ollamaVersionBody()));
  app.post("/api/show", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { model?: unknown; name?: unknown };
    const name = String(body.model ?? body.name ?? "");
    const m = rt.registry.get(name.replace(/:latest$/, ""));
    if (!m) throw new ProxyError(404, `model '${name}' not found`);
    return c.json(ollamaShowBody(m.id, { contextLength: m.contextLength }));
  });

  return app;
}
