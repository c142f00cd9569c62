// Types for every query the app sends, generated from the API's committed schema, so a field
// renamed in the API breaks `npm run build` rather than a screen.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        // Documents as typed strings: the app posts them as text, with no GraphQL runtime.
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: "string", Date: "string", JSON: "unknown" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
