import { resolve } from "node:path";
import { defineConfig } from "vite";

// Two pages from one build: the explorer and the bundled GraphiQL (served at GET /graphql).
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // dist/.vite/manifest.json: which files each page loads (bench/explorer.py weighs them).
    manifest: true,
    // One budget for the app's JavaScript and CSS is 300 KB gzipped (bench/explorer.py checks).
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // GraphiQL's Radix UI modules start with "use client" (for React server components),
      // which a browser bundle has no use for; Rollup warns once per module otherwise.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: {
        index: resolve(__dirname, "index.html"),
        graphiql: resolve(__dirname, "graphiql.html"),
      },
    },
  },
});
