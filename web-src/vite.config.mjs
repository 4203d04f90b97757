// Vite build of the admin UI for the local stack (`npm start` and the tests run it through
// local/ui/ui-build.ts). `aio app build` builds the same web-src/index.html with Parcel.
import { defineConfig } from 'vite'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(fileURLToPath(import.meta.url))

export default defineConfig({
  root,
  // Relative asset URLs: the same build works at the stack's root and inside an iframe path.
  base: './',
  logLevel: 'info',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', development: false } },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: { emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 4000, reportCompressedSize: false },
})
