// Prisma's schema engine, compiled to WebAssembly, driven through a driver adapter.
//
// Why not `prisma migrate deploy`: the CLI runs the native schema engine, which it downloads
// on first use, and this project must work offline. The WebAssembly build is an npm package
// (@prisma/schema-engine-wasm, the build @prisma/migrate 7.10.0 names), reads and writes the
// same migration folders and the same `_prisma_migrations` table, so the two stay
// interchangeable: where the native engine exists, `prisma migrate deploy` accepts our folders.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { SchemaEngine } from '@prisma/schema-engine-wasm'
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils'

export type { SchemaEngine }

let loaded: Promise<void> | undefined

const MOCK_ADAPTER = Symbol.for('adapter.mockAdapter')
const symbolsOf = (o: object) => Object.fromEntries(Object.getOwnPropertySymbols(o).map((k) => [k, (o as Record<symbol, unknown>)[k]]))

// Where the engine reports a Rust panic before it aborts (Prisma's CLI installs the same
// registry); without it the panic surfaces as "Cannot read properties of undefined".
const panics = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } }
panics.PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message(message) {
    console.error(`Prisma schema engine panicked: ${message}`)
  },
}

// The package's entry (`import * as wasm from "./schema_engine_bg.wasm"`) needs a bundler's
// wasm import support, so do by hand what it does: compile the module that sits beside the
// bindings, link it to them under the import namespace it expects, and start it.
function loadWasm(): Promise<void> {
  return (loaded ??= (async () => {
    // The package exports the bindings but not the .wasm file, so find it through them.
    const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg')
    const compiled = await WebAssembly.compile(await readFile(bindingsPath.replace(/\.js$/, '.wasm')))
    const instance = await WebAssembly.instantiate(compiled, { './schema_engine_bg.js': withUnrefTimers(bindings) })
    bindings.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as (() => void) | undefined)?.()
  })())
}

// The engine bounds some waits with timers it never clears (on PostgreSQL, a 10 s timeout
// around its advisory migration lock), which kept every migrate run alive 10 s after its work
// was done. Unref them: each guards an operation that holds its own socket open meanwhile.
function withUnrefTimers(imports: object): WebAssembly.ModuleImports {
  const wrapped: Record<string, unknown> = { ...imports }
  for (const [name, fn] of Object.entries(imports)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      wrapped[name] = (...args: unknown[]) => {
        const timer = (fn as (...a: unknown[]) => ReturnType<typeof setTimeout>)(...args)
        timer.unref?.()
        return timer
      }
    }
  }
  return wrapped as WebAssembly.ModuleImports
}

/**
 * Runs `run` with a schema engine for `datamodels` ([path, content] pairs) that reaches the
 * database through `factory`, then frees the engine and closes every connection it opened
 * (the engine does not close them itself, and an open pg pool keeps the process alive).
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: [path: string, content: string][],
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm()
  const opened: SqlDriverAdapter[] = []
  const track = async (connect: Promise<SqlDriverAdapter>) => {
    const adapter = await connect
    opened.push(adapter)
    return adapter
  }
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    ...symbolsOf(factory), // e.g. the mark of Prisma's mock factory, which the engine reads
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb()),
  }
  const log = (line: string) => {
    if (process.env.DEBUG_SCHEMA_ENGINE) console.error(line)
  }
  const engine = await bindings.SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(tracked))
  try {
    return await run(engine)
  } finally {
    engine.free()
    // Prisma's mock adapter (used for offline diffs) rejects dispose(): it holds nothing.
    const real = opened.filter((adapter) => !(MOCK_ADAPTER in adapter))
    await Promise.all(real.map((adapter) => adapter.dispose()))
  }
}
