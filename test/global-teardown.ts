/** Runs once after all test files: removes the run's temp DATA_DIRs. */
import fs from 'node:fs'

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.CEH_TEST_TMP
  if (dir && dir.includes('ceh-run-')) fs.rmSync(dir, { recursive: true, force: true })
}
