/**
 * Local Commerce: orders (`salesOrderRepositoryV1`, `salesOrderManagementV1` comments),
 * shipments (`salesShipOrderV1`, `salesShipmentRepositoryV1`). Orders cannot be placed through
 * these endpoints (Commerce creates them from carts): the store is seeded with one order and tests
 * add more through the local-only `/commerce/_local/orders` hook (see index.ts).
 */
import { bodyObject, CommerceHttpError, commerceDate, required, scalarText } from './rest-kit'
import type { Route, RouteContext } from './router'
import type { Doc } from './store'

const ORDER_MISSING = "The entity that was requested doesn't exist. Verify the entity and try again."
const CANNOT_SHIP =
  'Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.'

type Item = { item_id: number; sku: string; name?: string; qty_ordered: number; qty_shipped: number }

const orderOf = (c: RouteContext, raw: string): Doc => {
  const doc = /^\d+$/.test(raw) ? c.store.get('order', raw) : undefined
  if (!doc) throw new CommerceHttpError(404, ORDER_MISSING)
  return doc
}

/** Saves an order and emits `sales_order_save_commit_after` with the subscribed fields. */
export function saveOrder(c: Pick<RouteContext, 'store' | 'emit' | 'now'>, order: Doc): void {
  order.updated_at = commerceDate(c.now())
  c.store.put('order', String(order.entity_id), order)
  c.emit('sales_order_save_commit_after', {
    entity_id: String(order.entity_id),
    increment_id: order.increment_id,
    status: order.status,
    state: order.state,
    customer_email: order.customer_email,
    grand_total: Number(order.grand_total).toFixed(4),
    order_currency_code: order.order_currency_code,
    created_at: order.created_at,
    updated_at: order.updated_at,
  })
}

/** A new order with `items` (the local hook and the seed use it). */
export function newOrder(
  c: Pick<RouteContext, 'store' | 'now'>,
  items: { sku: string; qty: number; price?: number }[],
  email = 'customer@example.com',
): Doc {
  const id = c.store.nextId('order')
  const now = commerceDate(c.now())
  const lines: Item[] = items.map(
    (i, n) =>
      ({
        item_id: id * 100 + n + 1,
        sku: i.sku,
        name: i.sku,
        qty_ordered: i.qty,
        qty_shipped: 0,
        price: i.price ?? 10,
      }) as Item,
  )
  return {
    entity_id: id,
    increment_id: String(id).padStart(9, '0'),
    state: 'processing',
    status: 'processing',
    customer_email: email,
    grand_total: items.reduce((s, i) => s + (i.price ?? 10) * i.qty, 0),
    order_currency_code: 'USD',
    created_at: now,
    updated_at: now,
    items: lines,
    status_histories: [],
  }
}

function trackDocs(tracks: unknown, orderId: number, shipmentId: number): Doc[] {
  if (tracks === undefined) return []
  if (!Array.isArray(tracks)) throw required('tracks')
  return (tracks as Doc[]).map((t) => {
    if (!t?.track_number) throw required('track_number')
    return {
      track_number: t.track_number,
      title: t.title ?? '',
      carrier_code: t.carrier_code ?? 'custom',
      order_id: orderId,
      parent_id: shipmentId,
    }
  })
}

/** Routes for orders and shipments. */
export const orderRoutes: Route[] = [
  { method: 'GET', path: /^V1\/orders\/([^/]+)$/, handler: (c) => orderOf(c, c.params[0]) },
  {
    method: 'POST',
    path: /^V1\/orders\/([^/]+)\/comments$/,
    handler: (c) => {
      const order = orderOf(c, c.params[0])
      const h = bodyObject(c.body, 'statusHistory')
      const entry: Doc = {
        entity_id: ((order.status_histories as Doc[]).length ?? 0) + 1,
        parent_id: order.entity_id,
        comment: h.comment ?? '',
        status: h.status ?? order.status,
        is_customer_notified: h.is_customer_notified ? 1 : 0,
        is_visible_on_front: h.is_visible_on_front ? 1 : 0,
        created_at: commerceDate(c.now()),
        entity_name: 'order',
      }
      order.status_histories = [entry, ...(order.status_histories as Doc[])]
      // A status in the history entry becomes the order's status (OrderManagement::addComment).
      if (h.status) order.status = scalarText(h.status)
      saveOrder(c, order)
      return true
    },
  },
  {
    method: 'POST',
    path: /^V1\/order\/([^/]+)\/ship$/,
    handler: (c) => {
      const order = orderOf(c, c.params[0])
      const body = (c.body ?? {}) as Doc
      const lines = order.items as Item[]
      const wanted =
        Array.isArray(body.items) && body.items.length
          ? (body.items as Doc[]).map((i) => {
              const id = i.order_item_id
              if (typeof id !== 'number' && !/^\d+$/.test(String(id))) {
                throw new CommerceHttpError(
                  400,
                  'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
                  { value: String(id), type: 'int' },
                )
              }
              return { line: lines.find((l) => l.item_id === Number(id)), qty: Number(i.qty) }
            })
          : lines.map((l) => ({ line: l, qty: l.qty_ordered - l.qty_shipped }))
      if (
        wanted.some((w) => !w.line || !(w.qty > 0) || w.qty > w.line.qty_ordered - w.line.qty_shipped) ||
        !wanted.some((w) => w.qty > 0)
      ) {
        throw new CommerceHttpError(400, CANNOT_SHIP)
      }
      const shipmentId = c.store.nextId('shipment')
      for (const w of wanted) w.line!.qty_shipped += w.qty
      const comment = body.comment as Doc | undefined
      const shipment: Doc = {
        entity_id: shipmentId,
        order_id: order.entity_id,
        increment_id: String(shipmentId).padStart(9, '0'),
        items: wanted.map((w) => ({
          order_item_id: w.line!.item_id,
          sku: w.line!.sku,
          qty: w.qty,
          parent_id: shipmentId,
        })),
        tracks: trackDocs(body.tracks, Number(order.entity_id), shipmentId),
        comments: comment?.comment
          ? [
              {
                comment: comment.comment,
                is_visible_on_front: comment.is_visible_on_front ? 1 : 0,
                parent_id: shipmentId,
              },
            ]
          : [],
        created_at: commerceDate(c.now()),
      }
      c.store.put('shipment', String(shipmentId), shipment)
      if (lines.every((l) => l.qty_shipped >= l.qty_ordered)) {
        order.state = 'complete'
        order.status = 'complete'
      }
      saveOrder(c, order)
      // salesShipOrderV1 answers the new shipment's id.
      return String(shipmentId)
    },
  },
  {
    method: 'POST',
    path: /^V1\/shipment$/,
    handler: (c) => {
      const input = bodyObject(c.body, 'entity')
      const existing =
        input.entity_id === undefined ? undefined : c.store.get('shipment', scalarText(input.entity_id))
      if (input.entity_id !== undefined && !existing) throw new CommerceHttpError(404, ORDER_MISSING)
      const order = orderOf(c, scalarText(input.order_id ?? existing?.order_id))
      const id = Number(existing?.entity_id ?? c.store.nextId('shipment'))
      const shipment: Doc = {
        ...(existing ?? { created_at: commerceDate(c.now()), increment_id: String(id).padStart(9, '0') }),
        entity_id: id,
        order_id: order.entity_id,
        ...(input.items !== undefined && { items: input.items }),
        ...(input.tracks !== undefined && { tracks: trackDocs(input.tracks, Number(order.entity_id), id) }),
        ...(input.comments !== undefined && { comments: input.comments }),
        updated_at: commerceDate(c.now()),
      }
      c.store.put('shipment', String(id), shipment)
      return shipment
    },
  },
  {
    method: 'GET',
    path: /^V1\/shipment\/([^/]+)$/,
    handler: (c) =>
      c.store.get('shipment', c.params[0]) ??
      (() => {
        throw new CommerceHttpError(404, ORDER_MISSING)
      })(),
  },
]
