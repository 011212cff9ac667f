import type { Context, Hono } from "hono";
import { z } from "zod";
import { listOf } from "../../config/fields.ts";
import { setIn } from "../../config/index.ts";
import { oauthModelAliasSchema, requestScopedErrorRuleSchema } from "../../config/schema-providers.ts";
import type { Runtime } from "../../proxy/runtime.ts";
import { readJson, validate } from "../body.ts";
import { editConfig } from "../config-store.ts";
import { invalid, ManagementError } from "../errors.ts";
import { compact, deleteChannel, type Shape, setChannel } from "../yaml-edit.ts";

// Per-channel settings of OAuth credentials (`oauth-excluded-models`, `oauth-model-alias`,
// `oauth-request-scoped-errors`): maps from a channel (provider) name to a list. GET answers
// `{"<key>": {...}}`; PUT replaces the map (or `{"items": {...}}`); PATCH sets one channel's
// list (an empty list removes the channel); DELETE `?channel=` (or `?provider=`) removes one.

type MapKey = "oauth-excluded-models" | "oauth-model-alias" | "oauth-request-scoped-errors";

interface ChannelMapSpec {
  key: MapKey;
  /** PATCH body field holding the channel's list. */
  listField: "models" | "aliases" | "rules";
  list: z.ZodType<unknown[]>;
  shape?: Shape;
  /** Problems that the loader would silently drop; refused here instead. */
  problems?: (list: any[]) => string[];
  notFound: string;
}

const modelNames = z
  .array(z.string({ error: "expected a text value" }), { error: "expected a list of model names" })
  .transform((names) => [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))]);

function aliasProblems(aliases: Array<{ name: string; alias: string }>): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  aliases.forEach((a, i) => {
    const alias = a.alias.toLowerCase();
    if (!a.name || !a.alias) problems.push(`[${i}]: needs both name and alias`);
    else if (alias === a.name.toLowerCase()) problems.push(`[${i}]: alias equals name`);
    else if (seen.has(alias)) problems.push(`[${i}]: alias "${a.alias}" is already defined for this channel`);
    seen.add(alias);
  });
  return problems;
}

function ruleProblems(rules: Array<{ match: string[]; "match-regexr": string[] }>): string[] {
  return rules.flatMap((r, i) =>
    r.match.some(Boolean) || r["match-regexr"].some(Boolean) ? [] : [`[${i}]: needs match or match-regexr`],
  );
}

export const CHANNEL_MAPS: readonly ChannelMapSpec[] = [
  { key: "oauth-excluded-models", listField: "models", list: modelNames, notFound: "provider not found" },
  {
    key: "oauth-model-alias",
    listField: "aliases",
    list: listOf(oauthModelAliasSchema) as z.ZodType<unknown[]>,
    shape: { defaults: oauthModelAliasSchema.parse({}) as Record<string, unknown> },
    problems: aliasProblems,
    notFound: "channel not found",
  },
  {
    key: "oauth-request-scoped-errors",
    listField: "rules",
    list: listOf(requestScopedErrorRuleSchema) as z.ZodType<unknown[]>,
    problems: ruleProblems,
    notFound: "channel not found",
  },
];

const channelName = (raw: string | undefined) => raw?.trim().toLowerCase() ?? "";

function channelFromQuery(c: Context): string {
  return channelName(c.req.query("channel")) || channelName(c.req.query("provider"));
}

function registerChannelMap(app: Hono, rt: Runtime, spec: ChannelMapSpec): void {
  const route = `/${spec.key}`;
  const current = () => rt.config[spec.key] as Record<string, unknown[]>;
  const checked = (list: unknown, where: string): unknown[] => {
    const parsed = validate(spec.list, list, where);
    const problems = spec.problems?.(parsed) ?? [];
    if (problems.length > 0)
      throw invalid(
        `invalid ${where}`,
        problems.map((p) => `${where}${p}`),
      );
    return parsed;
  };
  const toFile = (list: unknown[]) => (compact(list, spec.shape) as unknown[] | undefined) ?? [];
  const patchBody = z.strictObject(
    {
      channel: z.string().optional(),
      provider: z.string().optional(),
      [spec.listField]: z.unknown().optional(),
    },
    { error: `expected {"channel": "...", "${spec.listField}": [...]}` },
  );

  app.get(route, (c) => c.json({ [spec.key]: current() }));

  app.put(route, async (c) => {
    let body = validate(
      z.record(z.string(), z.unknown(), { error: "expected a mapping of channels" }),
      await readJson(c),
    );
    const keys = Object.keys(body);
    const wrapped = keys.length === 1 && keys[0] === "items" && !Array.isArray(body.items);
    if (wrapped) body = validate(z.record(z.string(), z.unknown()), body.items, "items");
    const where = wrapped ? "items" : "body";
    const map: Record<string, unknown[]> = {};
    for (const [raw, list] of Object.entries(body)) {
      const channel = channelName(raw);
      if (!channel) throw invalid(`invalid ${where}`, [`${where}: channel names must not be empty`]);
      const written = toFile(checked(list, `${where}.${channel}`));
      if (written.length > 0) map[channel] = written;
    }
    await editConfig(rt, (doc) => setIn(doc, [spec.key], map));
    return c.json({ status: "ok" });
  });

  app.patch(route, async (c) => {
    const body = validate(patchBody, await readJson(c)) as Record<string, unknown>;
    const channel = channelName((body.channel ?? body.provider) as string | undefined);
    if (!channel) throw new ManagementError(400, "invalid channel: give a non-empty channel (or provider)");
    const written = toFile(checked(body[spec.listField] ?? [], spec.listField));
    await editConfig(rt, (doc) => {
      if (written.length > 0) {
        setChannel(doc, spec.key, channel, written);
        return;
      }
      if (!(channel in current())) throw new ManagementError(404, spec.notFound);
      deleteChannel(doc, spec.key, channel);
    });
    return c.json({ status: "ok" });
  });

  app.delete(route, async (c) => {
    const channel = channelFromQuery(c);
    if (!channel) throw new ManagementError(400, "missing channel (or provider)");
    await editConfig(rt, (doc) => {
      if (!(channel in current())) throw new ManagementError(404, spec.notFound);
      deleteChannel(doc, spec.key, channel);
    });
    return c.json({ status: "ok" });
  });
}

export function registerOAuthMaps(app: Hono, rt: Runtime): void {
  for (const spec of CHANNEL_MAPS) registerChannelMap(app, rt, spec);
}
