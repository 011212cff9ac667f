/** See node-flags.mjs. */
export declare const PROXY_NODE_FLAGS: string[];
