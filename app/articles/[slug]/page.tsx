import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { fromDbAmount } from "@/lib/db/amount";
import { findPublishedArticle, isFree } from "@/lib/receiver/articles";
import { getReceiver } from "@/lib/receiver/getReceiver";
import { GRANT_HEADER, hasGrant } from "@/lib/receiver/grant";
import { ArticleBody } from "../../_components/ArticleBody";
import { Paywall } from "../../_components/paywall/Paywall";
import { navigationAllowsAutoPay } from "../../_components/reader/navigationAllowsAutoPay";

// Every render depends on the request's entitlement: never cache or prerender one.
export const dynamic = "force-dynamic";

/** One lookup per request, shared by the metadata and the page (React's per-request cache). */
const articleBySlug = cache((slug: string) => findPublishedArticle(getReceiver(), slug));

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const article = await articleBySlug((await params).slug);
  // Metadata is public: the title and the teaser, never the body.
  return article ? { title: article.title, description: article.teaser } : {};
}

export default async function ArticlePage({ params }: Props) {
  const { slug } = await params;
  const article = await articleBySlug(slug);
  if (!article) notFound();
  const price = fromDbAmount(article.price);
  const request = await headers();
  const entitled = isFree(article) || hasGrant(request.get(GRANT_HEADER), article.slug);

  return (
    <main id="main">
      <p className="back">
        <Link href="/">← All articles</Link>
      </p>
      <article>
        <h1>{article.title}</h1>
        <p className="teaser">{article.teaser}</p>
        {entitled ? (
          <ArticleBody body={article.body} />
        ) : (
          <Paywall slug={article.slug} price={price} autoPayAllowed={navigationAllowsAutoPay(request)} />
        )}
      </article>
    </main>
  );
}
