import type { ProviderId } from "../providers/types.ts";

/**
 * How one file in auth-dir is doing, for the management auth-files list (merge by `name`).
 * Field names follow the Go original's auth-file listing.
 */
export interface AuthFileStatus {
  name: string;
  type: string;
  provider?: ProviderId;
  email?: string;
  /**
   * `active`: serving; `disabled`: `disabled: true` in the file; `error`: the file cannot be
   * used, or its refresh token was refused (the account is cooled until it logs in again).
   */
  status: "active" | "disabled" | "error";
  /** Why, when not active; also the last transient refresh failure of an active account. */
  status_message?: string;
  /** True while routing skips the account. */
  unavailable: boolean;
  /** Access token expiry, RFC 3339, when known. */
  expired?: string;
  last_refresh?: string;
  /** When the background refresh will next try, RFC 3339. */
  next_refresh?: string;
}
