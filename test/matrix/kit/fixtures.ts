/** Inputs shared by the matrix tests. */

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a place",
  parameters: {
    type: "object",
    properties: { location: { type: "string" } },
    required: ["location"],
  },
};

export const TIME_TOOL = {
  name: "get_time",
  description: "Current time in a zone",
  parameters: {
    type: "object",
    properties: { zone: { type: "string" } },
    required: ["zone"],
  },
};

/** What the "tool" answers; the fake echoes it back as `tool result received: ...`. */
export const TOOL_RESULT = "sunny, 21 C";

/** A 1x1 PNG. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

export const ANSWER_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

/** Checks a forwarded schema kept its meaning (Gemini may upper-case type names). */
export function schemaKeptMeaning(schema: any): boolean {
  const type = (t: unknown) => String(t).toLowerCase();
  return (
    type(schema?.type) === "object" &&
    type(schema?.properties?.city?.type) === "string" &&
    Array.isArray(schema?.required) &&
    schema.required.includes("city")
  );
}
