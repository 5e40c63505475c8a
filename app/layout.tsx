import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { getPublicConfig } from "@/lib/config";
import { HeaderWallet } from "./_components/wallet/HeaderWallet";
import { WalletProviders } from "./_components/wallet/WalletProviders";
import "./globals.css";

/** SITE_NAME in every title; read per request like the rest of the configuration. */
export async function generateMetadata(): Promise<Metadata> {
  await connection();
  const { siteName } = getPublicConfig();
  return {
    title: { default: siteName, template: `%s · ${siteName}` },
    description: "Read any article for a few cents, paid through a micropayment channel.",
    // public/: a fork replaces these files and keeps the names.
    icons: { icon: [{ url: "/favicon.ico", sizes: "any" }, { url: "/logo.svg", type: "image/svg+xml" }] },
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The browser's configuration is read per request, never at build time: one build serves any
  // deployment (chain, contracts, RPC URL) through its environment.
  await connection();
  const config = getPublicConfig();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <WalletProviders config={config}>
          <header className="site-header">
            <Link href="/" className="brand">
              {/* public/logo.svg: the logo a fork replaces; decorative beside the name. */}
              {/* eslint-disable-next-line @next/next/no-img-element -- an SVG needs no image optimisation */}
              <img src="/logo.svg" alt="" width={28} height={28} className="brand-logo" />
              {config.siteName}
            </Link>
            <nav aria-label="Site">
              <Link href="/" className="nav-home">
                Articles
              </Link>
              <Link href="/channel">My channel</Link>
            </nav>
            <div className="header-wallet">
              <HeaderWallet />
            </div>
          </header>
          {children}
        </WalletProviders>
      </body>
    </html>
  );
}
