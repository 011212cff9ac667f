// Kept apart from app.ts, which loads Hono: the listener reads these at start-up and the app,
// created on first use, gets them then.

/** Environment settings of the HTTP app, read when the server starts. */
export interface AppEnv {
  /** MANAGEMENT_PASSWORD, trimmed; '' when unset. */
  managementPassword: string;
  /** MANAGEMENT_STATIC_PATH as given. */
  managementStaticPath?: string;
}

/** The environment as it is now. */
export function readAppEnv(env: NodeJS.ProcessEnv = process.env): AppEnv {
  return {
    managementPassword: env.MANAGEMENT_PASSWORD?.trim() ?? "",
    managementStaticPath: env.MANAGEMENT_STATIC_PATH,
  };
}
