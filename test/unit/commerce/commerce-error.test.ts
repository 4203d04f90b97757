/** Commerce error bodies → readable messages (Magento Phrase placeholders). */
import { commerceErrorMessage } from '../../../actions/lib/commerce/commerce-error'

test.each([
  [
    {
      message: 'No such entity with %fieldName = %fieldValue',
      parameters: { fieldName: 'sku', fieldValue: 'X-1' },
    },
    'No such entity with sku = X-1',
  ],
  [
    { message: 'The "%1" attribute value is empty. Set the attribute and try again.', parameters: ['name'] },
    'The "name" attribute value is empty. Set the attribute and try again.',
  ],
  [{ message: 'Values %1 and %2, then %3', parameters: ['a', 2] }, 'Values a and 2, then %3'],
  [{ message: 'Plain message' }, 'Plain message'],
  [{ message: '%field and %fieldName', parameters: { field: 'f', fieldName: 'n' } }, 'f and n'],
  [{ error: 'not a Commerce body' }, undefined],
  ['text', undefined],
  [null, undefined],
])('%j → %j', (body, expected) => {
  expect(commerceErrorMessage(body)).toBe(expected)
})
