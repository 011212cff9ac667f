/** Ollama `options` (Modelfile parameters) <-> IR sampling fields. */
import type { IRRequest } from "../ir.ts";
import { invalidRequest, isObject, optionalNumber } from "./invalid.ts";

type Sampling = Pick<
  IRRequest,
  "temperature" | "topP" | "topK" | "maxTokens" | "stop" | "seed" | "presencePenalty" | "frequencyPenalty"
>;

/** Copies the options the IR knows onto `req`; runner options (num_ctx, num_gpu, ...) mean nothing upstream. */
export function decodeOptions(raw: unknown, req: Sampling): void {
  if (raw === undefined || raw === null) return;
  if (!isObject(raw)) throw invalidRequest("options", "must be an object");
  const temperature = optionalNumber(raw.temperature, "options.temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(raw.top_p, "options.top_p");
  if (topP !== undefined) req.topP = topP;
  const topK = optionalNumber(raw.top_k, "options.top_k");
  if (topK !== undefined) req.topK = topK;
  // num_predict -1 means "no limit" and -2 "fill the context": both leave the upstream default.
  const numPredict = optionalNumber(raw.num_predict, "options.num_predict");
  if (numPredict !== undefined && numPredict > 0) req.maxTokens = numPredict;
  const seed = optionalNumber(raw.seed, "options.seed");
  if (seed !== undefined) req.seed = seed;
  const presence = optionalNumber(raw.presence_penalty, "options.presence_penalty");
  if (presence !== undefined) req.presencePenalty = presence;
  const frequency = optionalNumber(raw.frequency_penalty, "options.frequency_penalty");
  if (frequency !== undefined) req.frequencyPenalty = frequency;
  if (raw.stop !== undefined && raw.stop !== null) {
    const stop = typeof raw.stop === "string" ? [raw.stop] : raw.stop;
    if (!Array.isArray(stop) || stop.some((s) => typeof s !== "string")) {
      throw invalidRequest("options.stop", "must be an array of strings");
    }
    if (stop.length > 0) req.stop = stop;
  }
}

/** The `options` object for an Ollama upstream, or undefined when the IR sets none of them. */
export function encodeOptions(req: IRRequest): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  let any = false;
  const set = (key: string, value: unknown) => {
    if (value === undefined) return;
    options[key] = value;
    any = true;
  };
  set("temperature", req.temperature);
  set("top_p", req.topP);
  set("top_k", req.topK);
  set("num_predict", req.maxTokens);
  set("seed", req.seed);
  set("presence_penalty", req.presencePenalty);
  set("frequency_penalty", req.frequencyPenalty);
  if (req.stop !== undefined && req.stop.length > 0) set("stop", req.stop);
  return any ? options : undefined;
}
