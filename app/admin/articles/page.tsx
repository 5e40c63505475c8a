import Link from "next/link";
import { listAdminArticles } from "@/lib/receiver/admin/articles";
import { requirePublisher } from "@/lib/receiver/admin/requirePublisher";
import { tokenUnit } from "@/lib/token";
import { Price } from "../../_components/ui/Price";
import { ArticleActions } from "../_components/ArticleActions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Articles" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminArticles({ searchParams }: Props) {
  const { receiver } = await requirePublisher();
  const [articles, params] = await Promise.all([listAdminArticles(receiver), searchParams]);
  return (
    <>
      <div className="admin-heading">
        <h1>Articles</h1>
        <Link className="button primary" href="/admin/articles/new" data-testid="new-article">
          New article
        </Link>
      </div>
      {params.deleted && <p className="notice notice-success" role="status">The article was deleted.</p>}
      {params.archived && (
        <p className="notice notice-info" role="status">
          The article was archived, not deleted: readers bought it, and their purchases keep pointing at it. Readers no longer see it.
        </p>
      )}
      {articles.length === 0 ? (
        <p>No articles yet.</p>
      ) : (
        <ul className="admin-list" data-testid="admin-articles">
          {articles.map((a) => (
            <li key={a.id} data-slug={a.slug}>
              <div className="admin-list-main">
                <Link href={`/admin/articles/${a.id}`} className="admin-list-title">
                  {a.title}
                </Link>
                <p className="meta">
                  <span className={a.published ? "badge badge-live" : "badge"}>{a.published ? "Published" : "Draft"}</span>
                  <Price amount={a.price} unit={tokenUnit} />
                  <span>
                    {a.purchases} {a.purchases === 1 ? "purchase" : "purchases"}
                  </span>
                  <code>/articles/{a.slug}</code>
                </p>
              </div>
              <ArticleActions id={a.id} published={a.published} bought={a.purchases > 0} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
