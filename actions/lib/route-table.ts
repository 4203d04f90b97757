/**
 * The consumer's route table, built once from the event registry (events.json): event code →
 * entity → the entity's handler action. Routing is a lookup, never a switch; adding an entity
 * is a line in events.json plus its folder and action.
 */
import type { EventRegistry } from './event-registry'

/** Where one event code goes. */
export interface Route {
  code: string
  entity: string
  /** Handler action, `package/action` in the app's namespace, e.g. `entities/product`. */
  action: string
}

/** Read-only code → route lookup. */
export interface RouteTable {
  /** The route of `code`, or undefined when nobody handles it. */
  get(code: string): Route | undefined
  /** Every route, in registry order. */
  all(): readonly Route[]
}

/** Default handler action of an entity. */
const entityHandlerAction = (entity: string): string => `entities/${entity}`

/** Builds the table from every code in the registry. */
export function createRouteTable(
  registry: EventRegistry,
  actionFor: (entity: string) => string = entityHandlerAction,
): RouteTable {
  const routes = registry
    .all()
    .map((d) => ({ code: d.code, entity: d.handlerEntity, action: actionFor(d.handlerEntity) }))
  const byCode = new Map(routes.map((r) => [r.code, r]))
  return { get: (code) => byCode.get(code), all: () => routes }
}
