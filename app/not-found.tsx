import Link from "next/link";

/** Any unknown address, and an article that does not exist (or is not published): 404. */
export default function NotFound() {
  return (
    <main id="main">
      <h1>Nothing here</h1>
      <p className="lede">There is no page at this address: the article may have been unpublished, or the link mistyped.</p>
      <p>
        <Link href="/">See all articles</Link>
      </p>
    </main>
  );
}
