import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Left to Node rather than bundled: RainbowKit's dependency chain reaches @coinbase/cdp-sdk,
  // whose optional imports Turbopack cannot resolve (and the server never uses it), and
  // tiny-secp256k1 reads its WebAssembly from beside its own files.
  serverExternalPackages: ["@coinbase/cdp-sdk", "tiny-secp256k1"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (contracts' scripts and tests included) with
  // `tsc --noEmit`; the build need not do it a second time.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // unauthorized() and forbidden() (lib/receiver/admin/requirePublisher.ts): a 401 or 403 from an
  // admin page or server action, rendered by app/unauthorized.tsx and app/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
