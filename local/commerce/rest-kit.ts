/**
 * Commerce REST conventions shared by the local Commerce routes: the error body
 * (`{message, parameters}`, Magento\Framework\Webapi\Exception), timestamps, and `searchCriteria`.
 */
import type { Doc } from './store'

/** A Commerce error: answered as `{message, parameters}` with `status`. */
export class CommerceHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly parameters?: unknown[] | Record<string, unknown>,
  ) {
    super(message)
  }
}

/** 400 `"%fieldName" is required. Enter and try again.` (Magento\Framework\Exception\InputException::requiredField). */
export const required = (fieldName: string): CommerceHttpError =>
  new CommerceHttpError(400, '"%fieldName" is required. Enter and try again.', { fieldName })

/** 404 `No such entity with %fieldName = %fieldValue` (NoSuchEntityException::singleField). */
export const noSuchEntity = (fieldName: string, fieldValue: unknown): CommerceHttpError =>
  new CommerceHttpError(404, 'No such entity with %fieldName = %fieldValue', { fieldName, fieldValue })

/** Commerce's date format in REST and event payloads: `2026-01-31 12:00:00` (UTC). */
export function commerceDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** The request body's top-level object `key` (e.g. `product`), or 400 as Commerce answers. */
export function bodyObject(body: unknown, key: string): Doc {
  const v = body !== null && typeof body === 'object' ? (body as Doc)[key] : undefined
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw required(key)
  return v as Doc
}

interface Filter {
  field: string
  value: string
  condition: string
}

/** Applies `searchCriteria[filter_groups][g][filters][f][field|value|condition_type]`, pageSize and currentPage. */
export function search(
  items: Doc[],
  query: URLSearchParams,
): { items: Doc[]; search_criteria: Doc; total_count: number } {
  const groups = new Map<string, Map<string, Partial<Filter>>>()
  let pageSize: number | undefined
  let currentPage = 1
  for (const [k, v] of query) {
    const m =
      /^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type)\]$/.exec(k)
    if (m) {
      const g = groups.get(m[1]) ?? new Map<string, Partial<Filter>>()
      groups.set(m[1], g)
      const f = g.get(m[2]) ?? {}
      g.set(m[2], f)
      if (m[3] === 'condition_type') f.condition = v
      else f[m[3] as 'field' | 'value'] = v
    } else if (k === 'searchCriteria[pageSize]') pageSize = Math.max(0, Number(v) || 0)
    else if (k === 'searchCriteria[currentPage]') currentPage = Math.max(1, Number(v) || 1)
  }
  const matches = (doc: Doc, f: Partial<Filter>): boolean => {
    const actual =
      doc[f.field ?? ''] === undefined || doc[f.field ?? ''] === null ? '' : String(doc[f.field ?? ''])
    const value = f.value ?? ''
    switch (f.condition ?? 'eq') {
      case 'neq':
        return actual !== value
      case 'like':
        return new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`, 'i').test(
          actual,
        )
      case 'in':
        return value.split(',').includes(actual)
      default:
        return actual.toLowerCase() === value.toLowerCase()
    }
  }
  // Filters within a group are OR-ed, groups are AND-ed (Commerce's searchCriteria semantics).
  const found = items.filter((doc) =>
    [...groups.values()].every((g) => [...g.values()].some((f) => matches(doc, f))),
  )
  const page = pageSize ? found.slice((currentPage - 1) * pageSize, currentPage * pageSize) : found
  const criteria: Doc = {
    filter_groups: [...groups.values()].map((g) => ({
      filters: [...g.values()].map((f) => ({
        field: f.field,
        value: f.value,
        condition_type: f.condition ?? 'eq',
      })),
    })),
    ...(pageSize !== undefined && { page_size: pageSize }),
    current_page: currentPage,
  }
  return { items: page, search_criteria: criteria, total_count: found.length }
}

/**
 * A scalar field of a JSON body as text (`''` for absent or non-scalar values, which the routes
 * then reject as missing), instead of `String(obj)`'s `[object Object]`.
 */
export function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''
}
