import type { Config } from "../config/index.ts";
import type { AmpcodeConfig } from "../config/schema-ampcode.ts";
import { ModelMapper } from "./model-mapper.ts";
import { type UpstreamKeys, upstreamKeysFrom } from "./upstream-key.ts";

// What Amp requests need from `ampcode`, built once per loaded config. A reload produces a new
// config object, so the next Amp request sees the new section without any reload hook; other
// requests never look at it.

export interface AmpState {
  /** The Amp upstream (ampcode.com), or undefined when `upstream-url` is empty. */
  upstream: URL | undefined;
  keys: UpstreamKeys;
  mapper: ModelMapper;
  forceMappings: boolean;
  restrictToLocalhost: boolean;
}

const built = new WeakMap<AmpcodeConfig, AmpState>();

export function ampState(config: Config): AmpState {
  const section = config.ampcode;
  let state = built.get(section);
  if (!state) {
    const url = section["upstream-url"];
    state = {
      upstream: url ? new URL(url) : undefined,
      keys: upstreamKeysFrom(section),
      mapper: new ModelMapper(section["model-mappings"]),
      forceMappings: section["force-model-mappings"],
      restrictToLocalhost: section["restrict-management-to-localhost"],
    };
    built.set(section, state);
  }
  return state;
}
