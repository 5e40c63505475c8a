import type { Metadata } from "next";
import { parseAmount } from "@/lib/protocol/amounts";
import { listCatalog } from "@/lib/receiver/articles";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { tokenUnit } from "@/lib/token";
import { ChannelDashboard } from "../_components/channel/ChannelDashboard";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "My channel" };

export default async function ChannelPage() {
  const articles = await listCatalog(getReceiver());
  const titles = Object.fromEntries(articles.map((a) => [a.slug, a.title]));
  const maxPrice = articles.reduce((max, a) => (a.price > max ? a.price : max), 0n);
  // Ten of the dearest article: a deposit that reads at least ten of any.
  const suggestedDeposit = maxPrice > 0n ? maxPrice * 10n : parseAmount("1", tokenUnit.decimals);
  return (
    <main id="main">
      <h1>My channel</h1>
      <p className="lede">Your deposit, what you spent and on what; top up, or close the channel to get the rest back.</p>
      <ChannelDashboard titles={titles} suggestedDeposit={suggestedDeposit} defaultMaxPrice={maxPrice} />
    </main>
  );
}
