import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the console into `dist/`, which the API serves at `/`. `pnpm --filter
 * @switchboard/console dev` runs Vite's dev server on :5173 and forwards API calls to a
 * Switchboard on :8080 (`SWITCHBOARD_URL` to change it).
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/docs', '/healthz'].map((path) => [path, process.env.SWITCHBOARD_URL ?? 'http://localhost:8080']),
    ),
  },
});
