/**
 * The typed schema kit: one declaration gives the joi validator (`.joi`) and the data type
 * (`Infer`). The `@ts-expect-error` lines are the type-level tests: tsc (and ts-jest) fail this
 * file if the error they expect ever disappears, i.e. if a transform could read a field its schema
 * does not declare, skip a code, or handle a code without a schema.
 */
import {
  J,
  arr,
  backofficeValue,
  bool,
  commerceData,
  id,
  num,
  obj,
  sku,
  str,
  text,
  type Infer,
} from '../../../actions/entities/schema-kit'
import { defineEntity, type Transform, type TransformsOf } from '../../../actions/lib/entity-definition'
import { schemas as productSchemas } from '../../../actions/entities/product/schemas'

/** Compile-time equality: `true` only when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const assertType = <T extends true>(): T => true as T

const item = obj({ sku: sku().required(), qty: num(J.number().positive()).required(), note: text() })
const value = backofficeValue({ id: id().required(), items: arr(item, { max: 2 }), flag: bool() })

describe('Infer', () => {
  test('required keys are required, the rest optional, nothing else readable', () => {
    expect(
      assertType<
        Equals<
          Infer<typeof value>,
          {
            id: string | number
            items?: { sku: string; qty: number; note?: string }[]
            flag?: boolean
          }
        >
      >(),
    ).toBe(true)
    expect(
      assertType<
        Equals<Infer<ReturnType<typeof commerceData<{ n: ReturnType<typeof str> }>>>['value'], { n?: string }>
      >(),
    ).toBe(true)
  })

  test("an app entity's code data is typed by its schema", () => {
    type Delete = Infer<(typeof productSchemas)['be-observer.catalog_product_delete']>
    expect(assertType<Equals<Delete, { sku: string }>>()).toBe(true)
  })
})

describe('the joi side of the same declaration', () => {
  test.each([
    [{ id: '1', items: [{ sku: 'A', qty: 1 }], extra: 'kept' }, undefined],
    [{ id: 2, flag: 'true' }, undefined],
    [{ items: [] }, 'id is required'],
    [{ id: '1', items: [{ sku: 'A', qty: 0 }] }, 'items[0].qty must be a positive number'],
    [
      {
        id: '1',
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 1 },
          { sku: 'C', qty: 1 },
        ],
      },
      'items must contain less than or equal to 2 items',
    ],
    [undefined, 'value is required'],
  ])('%j → %s', (data, message) => {
    const { error } = value.joi.validate(data, { errors: { wrap: { label: false } } })
    expect(error?.message).toBe(message)
  })

  test('unknown keys and converted values come through', () => {
    expect(value.joi.validate({ id: 2, flag: 'true', extra: 'kept' }).value).toEqual({
      id: 2,
      flag: true,
      extra: 'kept',
    })
  })
})

describe('transforms are typed by their code', () => {
  const schemas = {
    'be-observer.widget_update': value,
    'be-observer.widget_delete': backofficeValue({ id: id().required() }),
  } as const

  test('a definition built from matching parts', () => {
    const transforms: TransformsOf<typeof schemas> = {
      'be-observer.widget_update': (v) => ({ entityId: String(v.id), fields: { count: v.items?.length } }),
      'be-observer.widget_delete': (v) => ({ entityId: String(v.id), fields: {} }),
    }
    const def = defineEntity('widget', { schemas, transforms })
    expect(def.schemas['be-observer.widget_delete']).toBe(schemas['be-observer.widget_delete'].joi)
    expect(def.transforms['be-observer.widget_update']({ id: 3, items: [] })).toEqual({
      entityId: '3',
      fields: { count: 0 },
    })
  })

  test('reading an undeclared field, a missing code or a stray code do not compile', () => {
    const bad: Transform<typeof value> = (v) => ({
      entityId: String(v.id),
      // @ts-expect-error `name` is not declared by the schema of this code
      fields: { name: v.name },
    })
    const incomplete: TransformsOf<typeof schemas> = {
      'be-observer.widget_update': bad,
      // @ts-expect-error the delete schema has no `items`
      'be-observer.widget_delete': (v) => ({ entityId: String(v.id), fields: { items: v.items } }),
    }
    // @ts-expect-error every code of the schemas needs a transform
    const missing: TransformsOf<typeof schemas> = { 'be-observer.widget_update': bad }
    defineEntity('widget', {
      schemas,
      transforms: {
        ...incomplete,
        // @ts-expect-error a transform for a code without a schema
        'be-observer.widget_typo': bad,
      },
    })
    // The functions exist at run time all the same; only the compiler refuses them.
    expect([typeof bad, typeof missing]).toEqual(['function', 'object'])
  })
})
