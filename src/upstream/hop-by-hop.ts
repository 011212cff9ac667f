/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1): never copied from
 * one side of the proxy to the other. Modules that relay headers add their own exclusions.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "trailers",
  "transfer-encoding",
  "upgrade",
];
