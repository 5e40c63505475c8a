import { deployments } from "@/lib/chain/deployments.generated";

export default function Home() {
  const local = deployments[31337];
  return (
    <main>
      <h1>Tollgate</h1>
      <p>Pay per article through a micropayment channel.</p>
      {local ? (
        <dl>
          <dt>ChannelManager</dt>
          <dd><code>{local.channelManager}</code></dd>
          <dt>Token</dt>
          <dd><code>{local.token}</code></dd>
        </dl>
      ) : (
        <p>No local deployment yet: run <code>npm run demo</code>.</p>
      )}
    </main>
  );
}
