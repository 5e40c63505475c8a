import { SignIn } from "./admin/_components/SignIn";

// A valid session whose address is not (or no longer) one of PUBLISHER_ADDRESSES: 403.
export default function Forbidden() {
  return (
    <main id="main" className="admin-main">
      <h1>Publisher admin</h1>
      <div className="notice notice-error" role="alert" data-testid="forbidden">
        <p>This wallet is not one of this site&apos;s publishers. Sign in with the publisher&apos;s wallet.</p>
      </div>
      <SignIn />
    </main>
  );
}
