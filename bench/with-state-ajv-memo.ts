/**
 * Imported first by benchmarks that run the app's code in-process (under ts-node, not as webpack
 * bundles): gives `@adobe/aio-lib-state` the same memoised Ajv that the root webpack-config.js
 * aliases into every deployed bundle, so in-process figures match what the actions run.
 */
import { installStateAjvMemo } from '../local/state/ajv-memo-hook'

installStateAjvMemo()
