"use client";

import Link from "next/link";

/**
 * What a reader sees when a page fails to render on the server (its database busy past the lock
 * timeout, say) or in the browser, instead of Next.js's bare error screen: a way to try again and
 * a way home. The details stay in the server's log, under `error.digest`.
 */
export default function PageError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <main id="main">
      <h1>This page could not be shown</h1>
      <div className="notice notice-error" role="alert" data-testid="page-error">
        <p>Something on our side failed while loading it. Nothing was charged. Try again in a few seconds.</p>
        {error.digest && <p className="field-hint">Reference for the site&apos;s operator: {error.digest}</p>}
      </div>
      <div className="actions">
        <button type="button" className="button primary" onClick={retry}>
          Try again
        </button>
        <Link className="button" href="/">
          All articles
        </Link>
      </div>
    </main>
  );
}
