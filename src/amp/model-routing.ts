import type { ModelRegistry } from "../routing/registry.ts";
import type { AmpState } from "./state.ts";

// Where an Amp model request goes, as the original decides it:
//   default: served locally -> local; else a mapping whose target is served -> that model;
//            else the Amp upstream (when configured); else local, which answers "not found".
//   force-model-mappings: the mapping is tried first, even when the model is served locally.

export type AmpRoute =
  | { kind: "local" }
  | { kind: "mapped"; model: string }
  | { kind: "upstream" }
  /** Nothing serves it and there is no upstream: the normal handler reports the error. */
  | { kind: "unserved" };

const LOCAL: AmpRoute = { kind: "local" };
const UPSTREAM: AmpRoute = { kind: "upstream" };
const UNSERVED: AmpRoute = { kind: "unserved" };

export function routeAmpModel(registry: ModelRegistry, state: AmpState, model: string): AmpRoute {
  const served = (name: string) => servedLocally(registry, name);
  if (state.forceMappings) {
    const mapped = state.mapper.map(model, served);
    if (mapped !== undefined) return { kind: "mapped", model: mapped };
    if (served(model)) return LOCAL;
  } else {
    if (served(model)) return LOCAL;
    const mapped = state.mapper.map(model, served);
    if (mapped !== undefined) return { kind: "mapped", model: mapped };
  }
  return state.upstream ? UPSTREAM : UNSERVED;
}

/**
 * Whether any local credential serves `model`. A thinking suffix the registry rejects still
 * means the model is served: the pipeline then answers the client with that 400.
 */
function servedLocally(registry: ModelRegistry, model: string): boolean {
  try {
    return registry.resolve(model) !== undefined;
  } catch {
    return true;
  }
}
