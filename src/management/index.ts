import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { log } from "../logging/logger.ts";
import type { Runtime } from "../proxy/runtime.ts";
import { readAppEnv } from "../server/app-env.ts";
import { managementAccess } from "./access.ts";
import { respondToError } from "./errors.ts";
import { registerAmpcode } from "./routes/ampcode.ts";
import { registerApiCall } from "./routes/api-call.ts";
import { registerApiKeyUsage } from "./routes/api-key-usage.ts";
import { registerAuthFileFields } from "./routes/auth-file-fields.ts";
import { registerAuthFileModels } from "./routes/auth-file-models.ts";
import { registerAuthFiles } from "./routes/auth-files.ts";
import { registerClientKeys } from "./routes/client-keys.ts";
import { registerConfigFile } from "./routes/config-file.ts";
import { registerLogs, registerRequestErrorLogs } from "./routes/logs.ts";
import { registerModelDefinitions } from "./routes/model-definitions.ts";
import { registerOAuthLogin } from "./routes/oauth-login.ts";
import { registerOAuthMaps } from "./routes/oauth-maps.ts";
import { registerOAuthCallbackGet, registerOAuthSession } from "./routes/oauth-session.ts";
import { registerProviderKeys } from "./routes/provider-keys.ts";
import { registerRequestLogById } from "./routes/request-log-by-id.ts";
import { registerResetQuota } from "./routes/reset-quota.ts";
import { registerSettings } from "./routes/settings.ts";
import { registerStatus } from "./routes/status.ts";
import { registerUsage } from "./routes/usage.ts";
import { ensureSecretHashed } from "./secret.ts";

export { appLogs, recordLogLine } from "./log-ring.ts";
export { ensureSecretHashed } from "./secret.ts";

/** Management bodies are config files and credentials: small. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The management API, to be mounted at /v0/management. MANAGEMENT_PASSWORD comes from the server start (src/server/app-env.ts).
 * A plaintext `remote-management.secret-key` in the runtime's config file is hashed now, and
 * again whenever one shows up later (a hand edit, a PUT of config.yaml).
 */
export function createManagementApp(
  rt: Runtime,
  envPassword: string = readAppEnv().managementPassword,
): Hono {
  // One attempt per plaintext value: a read-only config file must not cost a bcrypt hash per request.
  let attempted = "";
  const hashSecret = () => {
    const secret = rt.config["remote-management"]["secret-key"];
    if (!rt.configPath || secret === attempted) return;
    attempted = secret;
    ensureSecretHashed(rt, rt.configPath).catch((err) =>
      log.error({ err: (err as Error).message }, "could not write the hashed management secret-key"),
    );
  };
  hashSecret();

  const app = new Hono();
  app.onError(respondToError);
  // Public (no key): a login's own state admits it. Registered ahead of the key check.
  registerOAuthCallbackGet(app, rt, envPassword);
  app.use("*", managementAccess(rt, { envPassword, onPlaintextSecret: hashSecret }));
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `request body is larger than ${MAX_BODY_BYTES} bytes` }, 413),
    }),
  );

  registerConfigFile(app, rt);
  registerSettings(app, rt);
  registerClientKeys(app, rt);
  registerProviderKeys(app, rt);
  registerOAuthMaps(app, rt);
  registerAuthFiles(app, rt);
  // Before registerStatus: its get-auth-status placeholder knows no logins.
  registerOAuthLogin(app, rt);
  registerLogs(app);
  registerRequestErrorLogs(app, rt);
  registerStatus(app);
  registerUsage(app, rt);
  registerApiCall(app, rt);
  registerAuthFileModels(app, rt);
  registerAuthFileFields(app, rt);
  registerModelDefinitions(app);
  registerRequestLogById(app, rt);
  registerApiKeyUsage(app, rt);
  registerResetQuota(app, rt);
  registerOAuthSession(app, rt);
  registerAmpcode(app, rt);
  return app;
}
