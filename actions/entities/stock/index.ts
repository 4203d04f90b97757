/** entities/stock: the shared entity pipeline wired with this folder's schemas and transforms. */
import { createEntityHandler } from '../../lib/entity-pipeline'
import { entityDefinitions } from '../catalog'

/** Runtime entry point. */
export const main = createEntityHandler(entityDefinitions['stock'])
