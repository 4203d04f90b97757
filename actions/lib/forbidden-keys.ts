/**
 * Keys that could pollute prototypes if a consumer ever merged a received value into an object.
 * Ingestion refuses them anywhere in a request body, the entity schemas anywhere in a value.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])
