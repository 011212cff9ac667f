import type { Context, Hono } from "hono";
import { z } from "zod";
import { type Config, ROUTING_STRATEGIES, setIn } from "../../config/index.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { readJson, validate } from "../body.ts";
import { editConfig } from "../config-store.ts";

// Single-value settings: GET answers `{"<name>": value}`, PUT/PATCH take `{"value": ...}` and
// answer `{"status": "ok"}`, as in the Go original.

interface Setting {
  /** Route below /v0/management and the key of the GET answer. */
  route: string;
  responseKey: string;
  path: readonly string[];
  value: z.ZodType;
  /** Turns the accepted body value into what is written (e.g. canonical spelling). */
  toFile?: (value: any) => unknown;
  /** DELETE resets the setting to this value. */
  deleteTo?: unknown;
}

const flag = z.boolean({ error: "expected true or false" });
const int = (min?: number) => {
  const error = min === undefined ? "expected an integer" : `expected an integer >= ${min}`;
  return min === undefined ? z.int({ error }) : z.int({ error }).min(min, { error });
};

const STRATEGY_ALIASES: Record<string, (typeof ROUTING_STRATEGIES)[number]> = {
  "": "round-robin",
  roundrobin: "round-robin",
  rr: "round-robin",
  fillfirst: "fill-first",
  ff: "fill-first",
  weightedroundrobin: "weighted-round-robin",
  wrr: "weighted-round-robin",
};

function canonicalStrategy(value: string): string | undefined {
  const key = value.trim().toLowerCase();
  if ((ROUTING_STRATEGIES as readonly string[]).includes(key)) return key;
  return STRATEGY_ALIASES[key];
}

const strategy = z
  .string({ error: "expected a text value" })
  .refine((v) => canonicalStrategy(v) !== undefined, {
    error: `expected one of ${ROUTING_STRATEGIES.join(", ")}`,
  });

const PROXY_SCHEMES = new Set(["http:", "https:", "socks5:", "socks5h:", "socks:"]);

const proxyUrl = z
  .string({ error: "expected a text value" })
  .transform((v) => v.trim())
  .refine(
    (v) => {
      if (v === "") return true;
      try {
        return PROXY_SCHEMES.has(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: "expected an http://, https:// or socks5:// URL, or empty for a direct connection" },
  );

const bool = (route: string, path = [route]): Setting => ({ route, responseKey: route, path, value: flag });
const integer = (route: string, min?: number): Setting => ({
  route,
  responseKey: route,
  path: [route],
  value: int(min),
});

export const SETTINGS: readonly Setting[] = [
  bool("debug"),
  bool("logging-to-file"),
  bool("usage-statistics-enabled"),
  bool("ws-auth"),
  bool("request-log"),
  bool("force-model-prefix"),
  integer("request-retry", 0),
  integer("max-retry-interval"),
  integer("max-retry-credentials", 0),
  integer("logs-max-total-size-mb", 0),
  integer("error-logs-max-files", 0),
  {
    route: "routing/strategy",
    responseKey: "strategy",
    path: ["routing", "strategy"],
    value: strategy,
    toFile: canonicalStrategy,
  },
  { route: "proxy-url", responseKey: "proxy-url", path: ["proxy-url"], value: proxyUrl, deleteTo: "" },
  // GET answers under the leaf name, as Go does: {"switch-project": true}.
  {
    route: "quota-exceeded/switch-project",
    responseKey: "switch-project",
    path: ["quota-exceeded", "switch-project"],
    value: flag,
  },
  {
    route: "quota-exceeded/switch-preview-model",
    responseKey: "switch-preview-model",
    path: ["quota-exceeded", "switch-preview-model"],
    value: flag,
  },
];

function current(config: Config, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const key of path) node = (node as Record<string, unknown>)[key];
  return node;
}

export function registerSettings(app: Hono, rt: Runtime): void {
  for (const s of SETTINGS) {
    const route = `/${s.route}`;
    const body = z.strictObject({ value: s.value }, { error: 'expected {"value": ...}' });
    app.get(route, (c) => c.json({ [s.responseKey]: current(rt.config, s.path) }));
    const put = async (c: Context) => {
      const { value } = validate(body, await readJson(c));
      await editConfig(rt, (doc) => setIn(doc, s.path, s.toFile ? s.toFile(value) : value));
      return c.json({ status: "ok" });
    };
    app.put(route, put);
    app.patch(route, put);
    if (s.deleteTo !== undefined) {
      app.delete(route, async (c) => {
        await editConfig(rt, (doc) => setIn(doc, s.path, s.deleteTo));
        return c.json({ status: "ok" });
      });
    }
  }
}
