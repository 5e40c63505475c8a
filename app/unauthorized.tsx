import { SignIn } from "./admin/_components/SignIn";

// Next.js renders this with a 401 wherever requirePublisher() found no valid session: the
// admin's pages are the only ones that ask for one.
export default function Unauthorized() {
  return (
    <main id="main" className="admin-main">
      <h1>Publisher admin</h1>
      <SignIn />
    </main>
  );
}
