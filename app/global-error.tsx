"use client";

import "./globals.css";

/**
 * The last resort, when the root layout itself failed to render: it replaces the layout, so it
 * brings its own document. The page-level one (app/error.tsx) covers every other failure.
 */
export default function GlobalError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <main id="main">
          <h1>This site could not be shown</h1>
          <div className="notice notice-error" role="alert">
            <p>Something on our side failed. Nothing was charged. Try again in a few seconds.</p>
            {error.digest && <p className="field-hint">Reference for the site&apos;s operator: {error.digest}</p>}
          </div>
          <button type="button" className="button primary" onClick={retry}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
