import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // RainbowKit's dependency chain reaches @coinbase/cdp-sdk, whose optional imports Turbopack
  // cannot resolve; it is never used on the server, so leave it to Node.
  serverExternalPackages: ["@coinbase/cdp-sdk"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (contracts' scripts and tests included) with
  // `tsc --noEmit`; the build need not do it a second time.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
};

export default nextConfig;
