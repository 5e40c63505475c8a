/**
 * An article's text, paragraph by paragraph. Shared by the server page (a reader the gate let
 * through) and the paywall (the gate's JSON answer after an unlock), so both look the same.
 */
export function ArticleBody({ body }: { body: string }) {
  return (
    <div className="body" data-testid="article-body">
      {body.split("\n\n").map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
    </div>
  );
}
