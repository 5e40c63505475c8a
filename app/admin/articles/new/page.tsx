import { formatAmount } from "@/lib/protocol/amounts";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { defaultPrice } from "@/lib/receiver/admin/settings";
import { tokenUnit } from "@/lib/token";
import { ArticleForm } from "../../_components/ArticleForm";

export const dynamic = "force-dynamic";
export const metadata = { title: "New article" };

export default async function NewArticle() {
  const { receiver } = await requirePublisher();
  const price = formatAmount(await defaultPrice(receiver), tokenUnit.decimals);
  return (
    <>
      <h1>New article</h1>
      <p className="lede">It is saved as a draft: publish it from the list when it is ready.</p>
      <ArticleForm id={null} initial={{ title: "", slug: "", teaser: "", body: "", price }} symbol={tokenUnit.symbol} />
    </>
  );
}
