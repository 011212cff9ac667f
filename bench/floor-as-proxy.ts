/**
 * Calibration: the floor started the way the bench starts the proxy (`--config` of
 * bench/lib/proxy-config.ts, answers /healthz). Benching it as the proxy,
 *
 *   node bench/run.ts --proxy-entry bench/floor-as-proxy.ts --only chat-1k-c1,chat-1k-c16,chat-1k-c64,stream-c1
 *
 * compares two identical servers, so its proxy/floor ratios show how far apart "equal" measures
 * on this machine. Passthrough scenarios only: it cannot translate, nor add provider headers.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { floorHandler } from "./floor.ts";

interface BenchConfig {
  host: string;
  port: number;
  "openai-compatibility": { "base-url": string; models: { name: string; alias: string }[] }[];
  "claude-api-key"?: { models: { name: string; alias: string }[] }[];
}

const { values } = parseArgs({ options: { config: { type: "string" }, version: { type: "boolean" } } });
if (values.version) {
  process.stdout.write("floor-as-proxy\n"); // the bench's start-up check, as for the proxy
  process.exit(0);
}
if (!values.config) throw new Error("--config is required");
const config = parse(readFileSync(values.config, "utf8")) as BenchConfig;
const modelMap = new Map<string, string>();
for (const provider of [...config["openai-compatibility"], ...(config["claude-api-key"] ?? [])]) {
  for (const m of provider.models) modelMap.set(m.alias, m.name);
}
const upstream = config["openai-compatibility"][0]["base-url"].replace(/\/v1\/?$/, "");
const floor = floorHandler({ upstream, modelMap });
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.url === "/healthz") res.end('{"status":"ok"}');
  else floor.handle(req, res);
});
server.listen(config.port, config.host);
process.once("SIGTERM", () => process.exit(0));
