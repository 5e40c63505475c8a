import Link from "next/link";
import { formatTokenAmount } from "@/lib/protocol/amounts";
import { listCatalog } from "@/lib/receiver/articles";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { tokenUnit } from "@/lib/token";

export const dynamic = "force-dynamic";

export default async function Home() {
  const articles = await listCatalog(getReceiver());
  return (
    <main>
      <h1>Tollgate</h1>
      <p>Read any article for a few cents, paid through a micropayment channel.</p>
      <ul className="catalog">
        {articles.map((a) => (
          <li key={a.slug}>
            <h2><Link href={`/articles/${a.slug}`}>{a.title}</Link></h2>
            <p>{a.teaser}</p>
            <p className="price">{a.price === 0n ? "Free" : formatTokenAmount(a.price, tokenUnit)}</p>
          </li>
        ))}
      </ul>
    </main>
  );
}
