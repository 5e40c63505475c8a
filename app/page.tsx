import Link from "next/link";
import { listCatalog } from "@/lib/receiver/articles";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { getPublicConfig } from "@/lib/config";
import { tokenUnit } from "@/lib/token";
import { headers } from "next/headers";
import { readAccessToken } from "@/lib/receiver/access";
import { boughtSlugs } from "@/lib/receiver/entitlements";
import { BoughtMark } from "./_components/catalog/BoughtMark";
import { RestorePurchases } from "./_components/reader/RestorePurchases";
import { Price } from "./_components/ui/Price";

export const dynamic = "force-dynamic";

export default async function Home() {
  const receiver = getReceiver();
  const articles = await listCatalog(receiver);
  // "Bought" marks for the reader the access token names, never for whoever a cookie's proof names.
  const buyer = await readAccessToken(receiver, await headers());
  const bought = new Set(buyer ? await boughtSlugs(receiver.db, buyer) : []);
  return (
    <main id="main">
      <h1>{getPublicConfig().siteName}</h1>
      <p className="lede">
        Read any article for a few cents. Open a payment channel once with a deposit; then each article costs one click, paid
        off-chain, and whatever you do not spend comes back when you close the channel.
      </p>
      <RestorePurchases />
      <ul className="catalog">
        {articles.map((a) => (
          <li key={a.slug} data-testid="catalog-item" data-slug={a.slug}>
            <h2>
              {/* A priced article's prefetch can only be the paywall's 402, which Chromium leaves
                  hanging on a connection: fetch it when the reader asks for it. */}
              <Link href={`/articles/${a.slug}`} prefetch={a.price === 0n ? null : false}>
                {a.title}
              </Link>
            </h2>
            <p>{a.teaser}</p>
            <p className="meta">
              <Price amount={a.price} unit={tokenUnit} />
              {a.price > 0n && <span className="base-units">{a.price.toString()} base units</span>}
              <BoughtMark slug={a.slug} bought={bought.has(a.slug)} />
            </p>
          </li>
        ))}
      </ul>
    </main>
  );
}
