// lib/db/client.ts is for the Next.js server only: it loads under the `react-server` condition
// (as Next.js resolves server code) and throws anywhere else. Each case runs in a child
// process, since the condition is fixed when Node starts.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { it } from 'node:test'
import { promisify } from 'node:util'
import { ROOT } from '../../scripts/db/schemas'
import { createTestDatabase } from './databases'

const run = (conditions: string[], code: string, env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [...conditions, '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  })

it('getDb() gives one lazily created client for DATABASE_URL under react-server', async (t) => {
  const database = await createTestDatabase('sqlite')
  t.after(() => database.dispose())
  await database.db.article.create({ data: { slug: 's', title: 't', teaser: '', body: '', price: '0'.repeat(39) } })
  const { stdout } = await run(
    ['--conditions=react-server'],
    `import { getDb } from './lib/db/client.ts'
     const db = getDb()
     console.log(db === getDb(), await db.article.count())
     await db.$disconnect()`,
    { DATABASE_URL: database.url },
  )
  assert.equal(stdout.trim(), 'true 1')
})

it('importing lib/db/client.ts outside server code fails', async () => {
  await assert.rejects(run([], `import './lib/db/client.ts'`), /cannot be imported from a Client Component/)
})
