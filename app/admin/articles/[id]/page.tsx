import Link from "next/link";
import { notFound } from "next/navigation";
import { findAdminArticle, priceInTokens } from "@/lib/receiver/admin/articles";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { tokenUnit } from "@/lib/token";
import { ArticleActions } from "../../_components/ArticleActions";
import { ArticleForm } from "../../_components/ArticleForm";

export const dynamic = "force-dynamic";
export const metadata = { title: "Edit article" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ created?: string }> };

export default async function EditArticle({ params, searchParams }: Props) {
  const { receiver } = await requirePublisher();
  const { id } = await params;
  const numeric = /^\d{1,9}$/.test(id) ? Number(id) : null;
  const article = numeric === null ? null : await findAdminArticle(receiver, numeric);
  if (!article) notFound();
  const purchases = await receiver.db.purchase.count({ where: { articleId: article.id } });
  const { created } = await searchParams;
  return (
    <>
      <p className="back">
        <Link href="/admin/articles">← Articles</Link>
      </p>
      <div className="admin-heading">
        <h1>{article.title}</h1>
        <ArticleActions id={article.id} published={article.published} bought={purchases > 0} />
      </div>
      {created && (
        <p className="notice notice-success" role="status" data-testid="created">
          Draft created. Publish it when it is ready.
        </p>
      )}
      <p className="meta">
        <span className={article.published ? "badge badge-live" : "badge"} data-testid="article-state">
          {article.published ? "Published" : "Draft"}
        </span>
        {article.published && <Link href={`/articles/${article.slug}`}>View as a reader</Link>}
      </p>
      <ArticleForm
        key={article.updatedAt.toISOString()}
        id={article.id}
        initial={{ title: article.title, slug: article.slug, teaser: article.teaser, body: article.body, price: priceInTokens(article) }}
        symbol={tokenUnit.symbol}
      />
    </>
  );
}
