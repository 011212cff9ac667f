/** Ollama /api/generate request body <-> IR request. */
import type { IRMessage, IRPart, IRRequest, IRText } from "../ir.ts";
import { decodeImages, encodeImage } from "./images.ts";
import { invalidRequest, isObject, optionalString } from "./invalid.ts";
import { renderPrompt } from "./prompt-text.ts";
import { decodeCommon, encodeCommon } from "./request-common.ts";

/**
 * The prompt (with any images) becomes one user turn and `system` the instructions. `suffix`
 * (fill-in-the-middle), `template`, `raw` and the deprecated `context` token list cannot be
 * honoured by the chat models behind the proxy and are ignored. An empty prompt is Ollama's
 * "load the model" request: it decodes to no messages, which the route answers itself.
 */
export function decodeGenerateRequest(body: any): IRRequest {
  if (!isObject(body)) throw invalidRequest("body", "must be a JSON object");
  const prompt = optionalString(body.prompt, "prompt") ?? "";
  const systemText = optionalString(body.system, "system") ?? "";
  optionalString(body.suffix, "suffix");
  const parts: IRPart[] = [];
  if (prompt !== "") parts.push({ type: "text", text: prompt });
  parts.push(...decodeImages(body.images, "images"));
  const system: IRText[] = systemText === "" ? [] : [{ type: "text", text: systemText }];
  const messages: IRMessage[] = parts.length === 0 ? [] : [{ role: "user", content: parts }];
  return decodeCommon(body, system, messages);
}

export function encodeGenerateRequest(req: IRRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model, prompt: renderPrompt(req.messages) };
  if (req.system.length > 0) body.system = req.system.map((t) => t.text).join("\n\n");
  const images: string[] = [];
  for (const message of req.messages) {
    if (message.role !== "user") continue;
    for (const part of message.content) {
      if (part.type !== "image") continue;
      const data = encodeImage(part);
      if (data !== undefined) images.push(data);
    }
  }
  if (images.length > 0) body.images = images;
  return encodeCommon(req, body);
}
