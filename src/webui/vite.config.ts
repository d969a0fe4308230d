/**
 * Build of the web UI: three pages (`index.html` for the master at `/`,
 * `marathon.html` for Marathon at `/ui/`, `chronos.html` for Chronos at `/`
 * on its own port) sharing one set of hashed assets in
 * `dist/webui/assets/`. Paths are relative (`./assets/…`) so the same files
 * serve under any prefix. Nothing is fetched at run time: every library is
 * bundled.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(here, '../../dist/webui'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    chunkSizeWarningLimit: 300,
    rollupOptions: {
      input: { master: resolve(here, 'index.html'), marathon: resolve(here, 'marathon.html'), chronos: resolve(here, 'chronos.html') },
    },
  },
});
