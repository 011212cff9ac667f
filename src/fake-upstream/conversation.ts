/** What the fake model needs from any wire format's request: a format-neutral summary. */

export interface ToolSpec {
  name: string;
  /** JSON schema of the tool's parameters, when the request gave one. */
  schema: any;
}

export interface Conversation {
  /** Text of the last user message (tool results excluded). */
  lastUserText: string;
  /** Text of the tool result when the LAST message of the request is one. */
  toolResult: string | undefined;
  tools: ToolSpec[];
  /** Characters of all prompt text, the basis of the reported input tokens. */
  inputChars: number;
}

/** Text of a content value that is either a string or an array of parts carrying `text`. */
export function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (typeof part === "string") text += part;
    else if (part && typeof part.text === "string") text += part.text;
  }
  return text;
}

/** A plausible value for a JSON-schema property: "Paris" for strings, 42 for numbers, ... */
function sampleValue(schema: any): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (typeof type === "string" ? type.toLowerCase() : "string") {
    case "number":
    case "integer":
      return 42;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return "Paris";
  }
}

/** Arguments for a call to `tool`: its schema's first property set to a sample value. */
export function sampleArguments(tool: ToolSpec): Record<string, unknown> {
  const properties = tool.schema?.properties;
  if (!properties || typeof properties !== "object") return {};
  const first = Object.keys(properties)[0];
  return first === undefined ? {} : { [first]: sampleValue(properties[first]) };
}
