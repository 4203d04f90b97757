import fs from 'node:fs'
import { README, withCatalogue } from '../../scripts/event-catalogue'

describe('README event catalogue', () => {
  it('matches events.json (run `npm run docs:catalogue` after editing events.json)', () => {
    const readme = fs.readFileSync(README, 'utf8')
    expect(withCatalogue(readme)).toBe(readme)
  })
})
