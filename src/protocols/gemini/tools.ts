/** Gemini `tools[].functionDeclarations` and `toolConfig.functionCallingConfig` <-> IR. */
import type { IRTool, IRToolChoice } from "../ir.ts";
import { field, invalidRequest, isObject, type JsonObject } from "./fields.ts";
import { jsonSchemaFromGemini, schemaForGemini } from "./schema.ts";

/**
 * Function declarations from every `tools` entry. Built-in tools (googleSearch, codeExecution,
 * urlContext, ...) have no IR form and are skipped.
 */
export function decodeTools(tools: unknown): IRTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidRequest("tools", "must be an array");
  const out: IRTool[] = [];
  tools.forEach((tool, i) => {
    if (!isObject(tool)) throw invalidRequest(`tools[${i}]`, "must be an object");
    const decls = field(tool, "functionDeclarations", "function_declarations");
    if (decls === undefined || decls === null) return;
    if (!Array.isArray(decls)) throw invalidRequest(`tools[${i}].functionDeclarations`, "must be an array");
    decls.forEach((decl, j) => {
      const path = `tools[${i}].functionDeclarations[${j}]`;
      if (!isObject(decl)) throw invalidRequest(path, "must be an object");
      if (typeof decl.name !== "string" || decl.name === "")
        throw invalidRequest(`${path}.name`, "must be a non-empty string");
      const irTool: IRTool = { name: decl.name };
      if (typeof decl.description === "string") irTool.description = decl.description;
      const jsonSchema = field(decl, "parametersJsonSchema", "parameters_json_schema");
      if (jsonSchema !== undefined && jsonSchema !== null) irTool.parameters = jsonSchema;
      else if (decl.parameters !== undefined && decl.parameters !== null) {
        irTool.parameters = jsonSchemaFromGemini(decl.parameters);
      }
      out.push(irTool);
    });
  });
  return out.length > 0 ? out : undefined;
}

export function decodeToolChoice(toolConfig: unknown): IRToolChoice | undefined {
  if (!isObject(toolConfig)) return undefined;
  const config = field(toolConfig, "functionCallingConfig", "function_calling_config");
  if (!isObject(config) || typeof config.mode !== "string") return undefined;
  switch (config.mode.toUpperCase()) {
    case "NONE":
      return { type: "none" };
    case "ANY": {
      const allowed = field(config, "allowedFunctionNames", "allowed_function_names");
      if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string") {
        return { type: "tool", name: allowed[0] };
      }
      return { type: "required" };
    }
    case "AUTO":
    case "VALIDATED":
      return { type: "auto" };
    default:
      throw invalidRequest("toolConfig.functionCallingConfig.mode", `"${config.mode}" is unknown`);
  }
}

export function encodeTools(tools: IRTool[]): JsonObject[] {
  const functionDeclarations = tools.map((tool) => {
    const decl: JsonObject = { name: tool.name };
    if (tool.description) decl.description = tool.description;
    if (tool.parameters !== undefined) decl.parametersJsonSchema = schemaForGemini(tool.parameters);
    return decl;
  });
  return [{ functionDeclarations }];
}

export function encodeToolConfig(choice: IRToolChoice): JsonObject {
  switch (choice.type) {
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
    default:
      return { functionCallingConfig: { mode: "AUTO" } };
  }
}
