import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "artifacts/**",
      "cache/**",
      "coverage/**",
      "reports/**",
      "prisma/generated/**",
      "lib/chain/*.generated.ts",
      "next-env.d.ts",
    ],
  },
];

export default config;
