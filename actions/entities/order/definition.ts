/** The `order` entity: its typed schemas, the transforms they type, and its Commerce effects. */
import { defineEntity } from '../../lib/entity-definition'
import { schemas } from './schemas'
import { transforms } from './transform'
import { commerce } from './commerce'

export const definition = defineEntity('order', { schemas, transforms, commerce })
